// By what route does a tool reach a craft? A shortest path that only follows PROVIDES,
// PERFORMS, HAS_TASK, SAME_AS and INVOLVES (tool → capability → task → craft, possibly through an
// O*NET task or work activity it shares with other occupations), in either direction, up to 8 hops,
// with the node ids and relationship types in order. No row: the tool does not reach the craft.
// Neo4j dialect: shortestPath() with list comprehensions; the embedded twin uses [* SHORTEST 1..8].
// @param tool "tool:elevenlabs"  the tool id
// @param craft "craft:dialogue-adr-editor"  the craft id
// @stores neo4j
// @compare hops
MATCH (t:Tool {id: $tool}), (cr:Craft {id: $craft})
MATCH p = shortestPath((t)-[:PROVIDES|PERFORMS|HAS_TASK|SAME_AS|INVOLVES*..8]-(cr))
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path, [r IN relationships(p) | type(r)] AS types
