// Which clauses name a craft, and what do they require? Every clause linked to the craft (or one of its tasks),
// with its instrument, status, dates, requirements and the AI types it is about, latest instrument first.
// @param craft "craft:picture-editor"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})
MATCH (i:Instrument)<-[:IN_INSTRUMENT]-(cl:Clause)-[:COVERS]->(w)
WHERE w.id = cr.id OR EXISTS { MATCH (cr)-[:HAS_TASK]->(k:Task) WHERE k.id = w.id }
OPTIONAL MATCH (cl)-[:COVERS]->(a:AIType)
RETURN i.name AS instrument, i.status AS status, cl.section AS section, cl.name AS clause,
       cl.requires AS requires, cl.effective AS effective, cl.expiry AS expiry,
       collect(DISTINCT a.name) AS ai_types
ORDER BY effective DESC, instrument, section
