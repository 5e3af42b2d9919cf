// Which union locals cover an area, which crafts do they represent, and in which industries do those crafts
// work? Locals linked to the area by their curated jurisdiction (COVERS_AREA, with how the jurisdiction fits
// the area), their crafts, and each craft's curated industries (WORKS_IN role: main, also, possible). Needs
// the public datasets (Area and Industry nodes come from BLS OEWS and QCEW; `craftgraph build --sources`).
// @param area "area:metro-31080"  the area id (area:us, area:state-06, area:metro-31080, area:county-06037)
// @stores embedded neo4j
MATCH (u:UnionLocal)-[ca:COVERS_AREA]->(a:Area {id: $area})
MATCH (cr:Craft)-[:REPRESENTED_BY]->(u)
OPTIONAL MATCH (cr)-[w:WORKS_IN]->(i:Industry)
RETURN u.id AS local, u.name AS local_name, ca.fit AS fit, cr.name AS craft,
       collect(DISTINCT i.naics_code + ' ' + w.role) AS industries
ORDER BY local, craft
