// How many relationships of each type the graph holds.
// Neo4j dialect: type(r); the embedded twin uses label(r).
// @stores neo4j
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY type
