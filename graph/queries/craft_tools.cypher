// Which tools touch a craft, and how: tool -PROVIDES-> capability -PERFORMS-> task <-HAS_TASK- craft,
// with the link's weight and mode (automate / augment), the task's importance to the craft, their
// product (the contribution at full maturity) and the sources of both claims.
// @param craft "craft:picture-editor"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[h:HAS_TASK]->(k:Task)<-[pf:PERFORMS]-(c:Capability)<-[pv:PROVIDES]-(t:Tool)
RETURN t.id AS tool, t.name AS tool_name, c.id AS capability, k.id AS task, k.text AS task_text,
       pf.mode AS mode, pf.weight AS weight, h.importance AS importance,
       pf.weight * h.importance AS contribution,
       pv.source_ids AS provides_sources, pf.source_ids AS performs_sources
ORDER BY contribution DESC, tool, capability, task
