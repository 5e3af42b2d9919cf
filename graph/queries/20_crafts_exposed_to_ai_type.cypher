// Which crafts does an AI type (voice cloning, generative video, ...) reach? Tools of the type, or of one
// of its subtypes, provide capabilities that perform the craft's tasks. Per craft: the department, how
// many of its tasks are reached, which tools and capabilities reach them, and the largest single
// contribution (link weight × task importance).
// @param ai_type "aitype:generative-speech"  the AI type id (its subtypes count too)
// @stores embedded neo4j
MATCH (a:AIType {id: $ai_type})
MATCH (t:Tool)-[:IS_A]->(x:AIType)
WHERE x.id = a.id OR EXISTS { MATCH (x)-[:SUBTYPE_OF*1..3]->(a) }
MATCH (t)-[:PROVIDES]->(c:Capability)-[pf:PERFORMS]->(k:Task)<-[h:HAS_TASK]-(cr:Craft)
OPTIONAL MATCH (cr)-[:IN_DEPARTMENT]->(d:Department)
RETURN cr.id AS craft, cr.name AS craft_name, d.name AS department,
       count(DISTINCT k) AS tasks, count(DISTINCT t) AS tools, count(DISTINCT c) AS capabilities,
       max(pf.weight * h.importance) AS top_contribution
ORDER BY tasks DESC, top_contribution DESC, craft
