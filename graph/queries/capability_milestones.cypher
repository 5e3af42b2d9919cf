// The milestones of a capability in date order (dates are ISO text, possibly partial: YYYY,
// YYYY-MM or YYYY-MM-DD, so text order is date order), with the tool each was reached with.
// @param capability "cap:generate-video-from-text"  the capability id
// @stores embedded neo4j
MATCH (m:Milestone)-[:MARKS]->(c:Capability {id: $capability})
OPTIONAL MATCH (m)-[:ACHIEVED_WITH]->(t:Tool)
RETURN m.date AS date, m.level AS level, m.id AS milestone, m.description AS description,
       t.id AS tool, m.source_ids AS source_ids
ORDER BY date, milestone
