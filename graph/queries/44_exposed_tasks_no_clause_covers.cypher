// Which exposed tasks of a craft does no clause in force cover? The craft's capability → task links
// (REACHES: the capability could do at least $min_weight of the task at full maturity) for which no clause in
// force on $day, of an instrument of the jurisdiction $jurisdiction (US takes in US-CA...), names the task or
// the craft, reaches the capability (directly, or through the AI type of a tool that provides it or a broader
// type) and requires something binding (consent, compensation, a prohibition, jurisdiction over the work,
// human authorship, bargaining, training-data licensing). clauses_naming_the_work counts the binding clauses
// that name the work but miss the technology. A simpler reading than `craftgraph brief`
// (docs/bargaining-brief.md), which also dates each link and counts a capability's AI types by its tools'
// majority; partial dates: an expiry of 2027-07 runs to the end of July 2027.
// @param craft "craft:vfx-compositor"  the craft id
// @param day "2026-12-06"  the date the clauses must be in force on (YYYY-MM-DD)
// @param min_weight 0.25  the least share of the task the capability could do at full maturity
// @param jurisdiction "US"  the jurisdiction code of the instruments that count (US, EU, US-CA...)
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[:HAS_TASK]->(k:Task)<-[r:REACHES]-(c:Capability)
WHERE r.weight >= $min_weight
OPTIONAL MATCH (i:Instrument)<-[:IN_INSTRUMENT]-(cl:Clause)-[:COVERS]->(w)
WHERE (w.id = cr.id OR w.id = k.id)
  AND i.status IN ['in_force', 'not_yet_in_force', 'superseded', 'expired']
  AND (i.jurisdiction = $jurisdiction OR i.jurisdiction STARTS WITH ($jurisdiction + '-')
       OR i.jurisdiction STARTS WITH ($jurisdiction + ' '))
  AND cl.effective <= $day AND (cl.expiry IS NULL OR cl.expiry >= left($day, size(cl.expiry)))
  AND any(q IN cl.requires WHERE q IN ['consent', 'compensation', 'prohibition', 'work_jurisdiction',
                                       'human_authorship', 'bargaining', 'training_data_licensing'])
WITH cr, k, r, c, collect(DISTINCT cl.id) AS reach_work
OPTIONAL MATCH (byc:Clause)-[:COVERS]->(c)
WHERE byc.id IN reach_work
WITH cr, k, r, c, reach_work, collect(DISTINCT byc.id) AS by_capability
OPTIONAL MATCH (byt:Clause)-[:COVERS]->(a:AIType), (t:Tool)-[:PROVIDES]->(c), (t)-[:IS_A]->(x:AIType)
WHERE byt.id IN reach_work AND (x.id = a.id OR EXISTS { MATCH (x)-[:SUBTYPE_OF*1..3]->(a) })
WITH k, r, c, reach_work, by_capability, collect(DISTINCT byt.id) AS by_type
WHERE size(by_capability) = 0 AND size(by_type) = 0
RETURN k.id AS task, k.text AS task_text, c.id AS capability, c.name AS capability_name, r.mode AS mode,
       r.weight AS weight, size(reach_work) AS clauses_naming_the_work
ORDER BY weight DESC, task, capability
