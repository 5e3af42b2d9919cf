// Which O*NET-SOC occupations is a craft classified as? With the share of the craft's workers in each and
// the curator's note; with the public datasets (build with --sources) also the occupation's BLS OEWS
// employment and median wage, and its O*NET job zone.
// @param craft "craft:boom-operator"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[ca:CLASSIFIED_AS]->(o:Occupation)
RETURN o.id AS occupation, o.title AS title, ca.share AS share, ca.note AS note,
       o.employment AS employment, o.median_wage AS median_wage, o.job_zone AS job_zone
ORDER BY share DESC, occupation
