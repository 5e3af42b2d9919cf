// Which union locals represent the crafts a capability reaches? For each local, the crafts it represents
// whose tasks the capability performs, and their summed exposure at full maturity (weight × importance).
// Who to brief when the capability matures.
// @param capability "cap:generate-images-from-text"  the capability id
// @stores embedded neo4j
MATCH (c:Capability {id: $capability})-[pf:PERFORMS]->(k:Task)<-[h:HAS_TASK]-(cr:Craft)-[:REPRESENTED_BY]->(u:UnionLocal)
RETURN u.id AS local, u.name AS local_name, u.union_name AS union_name, u.region AS region,
       collect(DISTINCT cr.name) AS crafts, count(DISTINCT cr) AS n_crafts,
       sum(pf.weight * h.importance) AS exposure
ORDER BY exposure DESC, local
