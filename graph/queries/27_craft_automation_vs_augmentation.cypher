// Is AI aimed at replacing or assisting each craft's work? For every craft, the capability→task links
// summed as weight × task importance, split by the link's mode: `automate` (the capability does the
// work) and `augment` (it helps the worker), with the automation share. Potential at full maturity;
// the exposure engine adds maturity, limitations and uncertainty.
// @stores embedded neo4j
MATCH (cr:Craft)-[h:HAS_TASK]->(k:Task)<-[pf:PERFORMS]-(c:Capability)
OPTIONAL MATCH (cr)-[:IN_DEPARTMENT]->(d:Department)
WITH cr, d,
     sum(CASE WHEN pf.mode = 'automate' THEN pf.weight * h.importance ELSE 0.0 END) AS automate,
     sum(CASE WHEN pf.mode = 'augment' THEN pf.weight * h.importance ELSE 0.0 END) AS augment,
     count(DISTINCT c) AS capabilities
RETURN cr.id AS craft, cr.name AS craft_name, d.name AS department, capabilities, automate, augment,
       automate / (automate + augment) AS automation_share
ORDER BY automation_share DESC, automate DESC, craft
