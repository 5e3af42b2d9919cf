// How many nodes of each label the graph holds (the CraftGraphBuild bookkeeping node excluded).
// Neo4j dialect: labels(n) is a list; the embedded twin uses label(n).
// @stores neo4j
MATCH (n)
WHERE NOT n:CraftGraphBuild AND NOT n:CraftGraphLock
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY label
