// Where do CraftGraph and a published study disagree most? For the occupations the catalog's crafts are
// classified as, CraftGraph's derived exposure (ExposureScore written by the build's exposure engine:
// median in the year and scenario, and `potential` at full maturity without limitations) next to the
// study's score for one measure, ordered by the size of gap = potential − study score. Needs the public
// datasets (build with --sources) for the studies. The raw gap is meaningful for measures that are
// shares of work (Eloundou et al. alpha/beta/gamma); Felten et al.'s AIOE is a standardised index and
// the Anthropic Economic Index a usage share, so compare those by rank (graph.exposure.api.compare).
// @param study "study:eloundou-2023"  the Study id
// @param measure "gpt4_beta"  the study's measure (RATES.measure)
// @param year 2025  the CraftGraph year (2024-2035)
// @param scenario "expected"  slow, expected or fast
// @param top 15  how many occupations
// @stores embedded neo4j
MATCH (s:Study {id: $study})-[r:RATES {measure: $measure}]->(o:Occupation)-[:HAS_SCORE]->(x:ExposureScore)
WHERE x.year = $year AND x.scenario = $scenario AND EXISTS { MATCH (:Craft)-[:CLASSIFIED_AS]->(o) }
WITH o, x, r, x.potential - r.score AS gap
RETURN o.id AS occupation, o.title AS title, x.median AS craftgraph_median, x.potential AS craftgraph_potential,
       r.score AS study_score, gap, CASE WHEN gap > 0 THEN 'CraftGraph higher' ELSE 'study higher' END AS direction
ORDER BY abs(gap) DESC, occupation
LIMIT $top
