// Which crafts a capability exposes: the crafts whose tasks the capability performs, summed over
// tasks as weight × importance (the craft's exposure to this capability at full maturity), with the
// number of tasks involved.
// @param capability "cap:generate-video-from-text"  the capability id
// @stores embedded neo4j
MATCH (c:Capability {id: $capability})-[pf:PERFORMS]->(k:Task)<-[h:HAS_TASK]-(cr:Craft)
OPTIONAL MATCH (cr)-[:IN_DEPARTMENT]->(d:Department)
RETURN cr.id AS craft, cr.name AS craft_name, d.name AS department,
       count(k) AS tasks, sum(pf.weight * h.importance) AS exposure
ORDER BY exposure DESC, craft
