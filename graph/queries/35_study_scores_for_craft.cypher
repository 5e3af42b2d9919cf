// What do the published exposure studies say about a craft? The scores each study gives the occupations
// the craft is classified as (Eloundou et al. GPT-4 and human alpha/beta/gamma, Felten et al. AIOE and
// its language-modelling and image-generation variants, Anthropic Economic Index usage shares), in the
// study's own units, with the craft's share of workers in the occupation. Needs the public datasets
// (build with --sources); without them there are no Study nodes and no rows.
// @param craft "craft:picture-editor"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[ca:CLASSIFIED_AS]->(o:Occupation)<-[r:RATES]-(s:Study)
RETURN o.id AS occupation, o.title AS title, ca.share AS share, s.id AS study, r.measure AS measure,
       r.score AS score, s.units AS units
ORDER BY occupation, study, measure
