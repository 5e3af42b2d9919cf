// Which crafts does no catalogued tool reach? No tool -PROVIDES-> capability -PERFORMS-> task of the
// craft. These are the crafts with no exposure basis in the curated catalog (gaps to curate, or work AI
// does not touch yet), with their department and number of curated tasks.
// @stores embedded neo4j
MATCH (cr:Craft)
WHERE NOT EXISTS { MATCH (cr)-[:HAS_TASK]->(:Task)<-[:PERFORMS]-(:Capability)<-[:PROVIDES]-(:Tool) }
OPTIONAL MATCH (cr)-[:IN_DEPARTMENT]->(d:Department)
OPTIONAL MATCH (cr)-[:HAS_TASK]->(k:Task)
RETURN cr.id AS craft, cr.name AS craft_name, d.name AS department, count(k) AS tasks
ORDER BY department, craft
