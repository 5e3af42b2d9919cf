// Which tools' vendors state that their training data is licensed? (With licensed = false: which state
// that it is not.) With the vendor, the capabilities each provides and the sources that carry the statement.
// Tools whose vendor says nothing have an empty training_data_licensed and are not listed.
// @param licensed true  true: vendor states licensed data; false: vendor states it is not
// @stores embedded neo4j
MATCH (t:Tool)
WHERE t.training_data_licensed = $licensed
OPTIONAL MATCH (t)-[:MADE_BY]->(v:Vendor)
OPTIONAL MATCH (t)-[:PROVIDES]->(c:Capability)
RETURN t.id AS tool, t.name AS tool_name, v.name AS vendor, t.status AS status,
       t.open_weights AS open_weights, collect(DISTINCT c.name) AS capabilities, t.source_ids AS source_ids
ORDER BY tool
