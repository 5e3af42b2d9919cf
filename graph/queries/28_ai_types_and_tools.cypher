// Which kinds of AI does the graph define, and how many tools are of each? The AI types (the
// definitions used in bargaining), each with its broader type, its definition, the number of catalogued
// tools of that type and their names.
// @stores embedded neo4j
MATCH (a:AIType)
OPTIONAL MATCH (a)-[:SUBTYPE_OF]->(p:AIType)
OPTIONAL MATCH (t:Tool)-[:IS_A]->(a)
RETURN a.id AS ai_type, a.name AS name, p.name AS broader, a.definition AS definition,
       count(DISTINCT t) AS tools, collect(DISTINCT t.name) AS tool_names
ORDER BY broader, tools DESC, ai_type
