// By what route does a tool reach a craft? A shortest path that only follows PROVIDES,
// PERFORMS, HAS_TASK, SAME_AS and INVOLVES (tool → capability → task → craft, possibly through an
// O*NET task or work activity it shares with other occupations), in either direction, up to 8 hops,
// with the node ids and relationship types in order. No row: the tool does not reach the craft.
// Embedded (LadybugDB) dialect: [:A|B* SHORTEST 1..8], list_transform() and label(r) instead of a list
// comprehension and type(r); the path returned among equally short ones may differ from Neo4j's.
// @param tool "tool:elevenlabs"  the tool id
// @param craft "craft:dialogue-adr-editor"  the craft id
// @stores embedded
// @compare hops
MATCH p = (t:Tool {id: $tool})-[:PROVIDES|PERFORMS|HAS_TASK|SAME_AS|INVOLVES* SHORTEST 1..8]-(cr:Craft {id: $craft})
RETURN length(p) AS hops, list_transform(nodes(p), n -> n.id) AS path,
       list_transform(rels(p), r -> label(r)) AS types
LIMIT 1
