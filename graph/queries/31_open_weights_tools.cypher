// Which capabilities can anyone run outside a vendor's control? Tools with published weights (or that
// run locally), per capability, with the tool's vendor and status. A vendor's usage terms or a union
// agreement with the vendor cannot reach these copies.
// @stores embedded neo4j
MATCH (t:Tool)-[p:PROVIDES]->(c:Capability)
WHERE t.open_weights = true OR t.deployment = 'local'
OPTIONAL MATCH (t)-[:MADE_BY]->(v:Vendor)
RETURN c.id AS capability, c.name AS capability_name, t.id AS tool, t.name AS tool_name, v.name AS vendor,
       t.open_weights AS open_weights, t.deployment AS deployment, t.status AS status, p.since AS since
ORDER BY capability, tool
