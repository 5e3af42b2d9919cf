// How do a craft's curated tasks line up with O*NET? Each craft task the curators matched (SAME_AS) to an
// O*NET task statement, the O*NET task's text and the occupations that perform it, and the importance
// of the task to the craft. Needs the public datasets (build with --sources) for the O*NET side.
// @param craft "craft:picture-editor"  the craft id
// @stores embedded neo4j
MATCH (cr:Craft {id: $craft})-[h:HAS_TASK]->(k:Task)-[:SAME_AS]->(ot:Task)
OPTIONAL MATCH (o:Occupation)-[:HAS_TASK]->(ot)
RETURN k.id AS craft_task, k.text AS craft_task_text, h.importance AS importance, ot.id AS onet_task,
       ot.text AS onet_task_text, collect(DISTINCT o.title) AS occupations
ORDER BY importance DESC, craft_task, onet_task
