// How close a tool is to a craft: the number of hops on a shortest path between them, in either
// direction, up to 8 (which path is returned may differ between stores; its length does not).
// Embedded (LadybugDB) dialect: [* SHORTEST 1..8]; no list comprehension, so list_transform().
// @param tool "tool:runway-gen-4"  the tool id
// @param craft "craft:picture-editor"  the craft id
// @stores embedded
// @compare hops
MATCH p = (t:Tool {id: $tool})-[* SHORTEST 1..8]-(cr:Craft {id: $craft})
RETURN length(p) AS hops, list_transform(nodes(p), n -> n.id) AS path
LIMIT 1
