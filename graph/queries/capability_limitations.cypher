// What holds a capability back: limitations on the capability itself (CONSTRAINED_BY, the link's
// severity overriding the limitation's) and on the tools that provide it (HAS_LIMITATION), with the
// sources of each link. `via` says which. Row order is not defined: the embedded dialect has no
// CALL {} subquery to wrap a UNION in and order it, so sort on the client.
// @param capability "cap:generate-video-from-text"  the capability id
// @stores embedded neo4j
MATCH (c:Capability {id: $capability})-[r:CONSTRAINED_BY]->(l:Limitation)
RETURN l.id AS limitation, l.name AS name, l.kind AS kind,
       coalesce(r.severity, l.severity) AS severity, 'capability' AS via, c.id AS via_id,
       r.source_ids AS source_ids
UNION ALL
MATCH (c:Capability {id: $capability})<-[:PROVIDES]-(t:Tool)-[r:HAS_LIMITATION]->(l:Limitation)
RETURN l.id AS limitation, l.name AS name, l.kind AS kind,
       coalesce(r.severity, l.severity) AS severity, 'tool' AS via, t.id AS via_id,
       r.source_ids AS source_ids
