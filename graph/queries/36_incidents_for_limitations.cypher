// Which real incidents illustrate the limitations? The AI Incident Database reports the curators linked to each
// limitation (ILLUSTRATES), with the limitation's kind and severity and the capabilities it constrains.
// Needs the public datasets (build with --sources); without them there are no Incident nodes.
// @stores embedded neo4j
MATCH (i:Incident)-[il:ILLUSTRATES]->(l:Limitation)
OPTIONAL MATCH (c:Capability)-[:CONSTRAINED_BY]->(l)
RETURN l.id AS limitation, l.kind AS kind, l.severity AS severity, i.id AS incident, i.title AS title,
       i.date AS date, il.rationale AS rationale, count(DISTINCT c) AS capabilities
ORDER BY limitation, date, incident
