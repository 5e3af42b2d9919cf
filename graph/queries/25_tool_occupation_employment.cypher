// How many workers does a tool reach? The O*NET occupations of the crafts whose tasks the tool's capabilities
// perform (tool -PROVIDES-> capability -PERFORMS-> task <-HAS_TASK- craft -CLASSIFIED_AS-> occupation),
// with BLS OEWS national employment and median annual wage. Needs the public datasets (build with
// --sources): without them employment and wages are empty. Employment of an OEWS code is split evenly
// across the O*NET occupations that share it, so the column can be summed; `share` is the largest share
// of a reached craft's workers classified as the occupation.
// @param tool "tool:elevenlabs"  the tool id
// @stores embedded neo4j
MATCH (t:Tool {id: $tool})-[:PROVIDES]->(:Capability)-[:PERFORMS]->(k:Task)<-[:HAS_TASK]-(cr:Craft)
MATCH (cr)-[ca:CLASSIFIED_AS]->(o:Occupation)
RETURN o.id AS occupation, o.title AS title, o.employment AS employment, o.median_wage AS median_wage,
       o.wage_year AS wage_year, count(DISTINCT cr) AS crafts, count(DISTINCT k) AS tasks,
       max(ca.share) AS share
ORDER BY employment DESC, occupation
