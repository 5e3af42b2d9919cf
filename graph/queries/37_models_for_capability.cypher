// Which notable AI models demonstrate a capability? Models from Epoch AI's database in date order, with
// the organisation and the curator's rationale: the research frontier behind the products. Needs the public
// datasets (build with --sources); without them there are no AIModel nodes.
// @param capability "cap:generate-video-from-text"  the capability id
// @stores embedded neo4j
MATCH (m:AIModel)-[d:DEMONSTRATES]->(c:Capability {id: $capability})
RETURN m.date AS date, m.id AS model, m.name AS name, m.organization AS organization,
       d.rationale AS rationale
ORDER BY date, model
