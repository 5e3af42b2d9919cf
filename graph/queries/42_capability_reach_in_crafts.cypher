// Which crafts does a capability reach, and how much? Follows the engine's derived REACHES links to the
// craft's tasks; the share is the link weight times the task's share of the craft's work (importance).
// @param capability "cap:rotoscope-and-segment-objects-in-video"  the capability id
// @stores embedded neo4j
MATCH (c:Capability {id: $capability})-[r:REACHES]->(k:Task)<-[h:HAS_TASK]-(cr:Craft)
RETURN cr.id AS craft, cr.name AS craft_name, count(DISTINCT k) AS tasks_reached,
       max(r.weight) AS largest_weight, collect(DISTINCT r.path) AS path_kinds
ORDER BY tasks_reached DESC, largest_weight DESC, craft
