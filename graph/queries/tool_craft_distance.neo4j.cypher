// How close a tool is to a craft: the number of hops on a shortest path between them, in either
// direction, up to 8 (which path is returned may differ between stores; its length does not).
// Neo4j dialect: shortestPath(); the embedded twin uses [* SHORTEST 1..8].
// @param tool "tool:runway-gen-4"  the tool id
// @param craft "craft:picture-editor"  the craft id
// @stores neo4j
// @compare hops
MATCH (t:Tool {id: $tool}), (cr:Craft {id: $craft})
MATCH p = shortestPath((t)-[*..8]-(cr))
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path
