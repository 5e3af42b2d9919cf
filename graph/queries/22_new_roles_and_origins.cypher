// Which new AI-related job roles appear on productions, and which crafts do they grow from? Each role
// with the crafts it grows out of, their departments and the tools the role works with; first_seen is
// when the role was first reported.
// @stores embedded neo4j
MATCH (r:JobRole)
OPTIONAL MATCH (r)-[:GROWS_FROM]->(cr:Craft)
OPTIONAL MATCH (cr)-[:IN_DEPARTMENT]->(d:Department)
WITH r, collect(DISTINCT cr.name) AS from_crafts, collect(DISTINCT d.name) AS departments
OPTIONAL MATCH (r)-[:WORKS_WITH]->(t:Tool)
RETURN r.id AS role, r.name AS role_name, r.first_seen AS first_seen, from_crafts, departments,
       collect(DISTINCT t.name) AS tools
ORDER BY first_seen, role
