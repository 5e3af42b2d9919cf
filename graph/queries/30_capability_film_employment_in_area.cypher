// How many film-industry jobs do the occupations a capability reaches hold, nationally and in a metro area? The
// occupations of the crafts whose tasks the capability reaches (capability -REACHES-> task <-HAS_TASK-
// craft -CLASSIFIED_AS-> occupation), with BLS OEWS May 2025 jobs and median wage in an industry (NAICS
// 2022, e.g. 512100 motion picture and video) for the nation, and all-industry jobs and median wage in
// the metro (OEWS publishes metros for all industries only). Needs the public datasets (build with
// --sources). Payroll jobs only: OEWS excludes the self-employed. Several O*NET occupations may share
// one OEWS estimate (the same SOC code), so sum `industry_jobs` over distinct `soc_code` only.
// @param capability "cap:assemble-rough-cuts-automatically"  the capability id
// @param naics "512100"  the NAICS 2022 industry code
// @param area "area:metro-31080"  the metro area (31080 Los Angeles, 35620 New York, 12060 Atlanta)
// @stores embedded neo4j
MATCH (c:Capability {id: $capability})-[:REACHES]->(:Task)<-[:HAS_TASK]-(cr:Craft)-[:CLASSIFIED_AS]->(o:Occupation)
WITH DISTINCT o, count(DISTINCT cr) AS crafts
MATCH (n:JobsEstimate)-[:ESTIMATE_OF]->(o)
MATCH (n)-[:FOR_INDUSTRY]->(:Industry {naics_code: $naics})
MATCH (n)-[:FOR_AREA]->(:Area {id: "area:us"})
OPTIONAL MATCH (m:JobsEstimate)-[:ESTIMATE_OF]->(o)
WHERE m.naics_code = "000000" AND EXISTS { MATCH (m)-[:FOR_AREA]->(:Area {id: $area}) }
RETURN o.id AS occupation, o.title AS title, n.soc_code AS soc_code, crafts,
       n.employment AS industry_jobs, n.median_wage AS industry_median_wage,
       m.employment AS area_jobs, m.median_wage AS area_median_wage
ORDER BY industry_jobs DESC, occupation
