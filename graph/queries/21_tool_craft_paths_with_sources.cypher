// Which tools touch a craft, through which capability, and on whose word? For every
// tool -PROVIDES-> capability -PERFORMS-> task <-HAS_TASK- craft chain, the sources of the PROVIDES
// claim and of the PERFORMS claim as title, publisher and URL (one row per tool, capability and source),
// and whether the source is the vendor's own claim.
// @param craft "craft:dialogue-adr-editor"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[:HAS_TASK]->(:Task)<-[pf:PERFORMS]-(c:Capability)<-[pv:PROVIDES]-(t:Tool)
WITH DISTINCT t, c, pv, pf
UNWIND pv.source_ids + pf.source_ids AS sid
MATCH (s:Source {id: sid})
RETURN DISTINCT t.id AS tool, t.name AS tool_name, c.id AS capability,
       CASE WHEN sid IN pv.source_ids THEN 'provides' ELSE 'performs' END AS claim,
       s.id AS source, s.title AS title, s.publisher AS publisher, s.url AS url,
       coalesce(s.vendor_claim, false) AS vendor_claim
ORDER BY tool, capability, claim, source
