// Which tools provide a capability: each tool's vendor, the level it reaches, since when, the
// curator's confidence and the sources of the claim. Newest first.
// @param capability "cap:generate-video-from-text"  the capability id
// @stores embedded neo4j
MATCH (t:Tool)-[p:PROVIDES]->(c:Capability {id: $capability})
OPTIONAL MATCH (t)-[:MADE_BY]->(v:Vendor)
RETURN t.id AS tool, t.name AS tool_name, v.name AS vendor, t.status AS status,
       p.level AS level, p.since AS since, p.confidence AS confidence, p.source_ids AS source_ids
ORDER BY tool
