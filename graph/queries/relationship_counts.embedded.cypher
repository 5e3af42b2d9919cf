// How many relationships of each type the graph holds.
// Embedded (LadybugDB) dialect: label(r) (there is no type()).
// @stores embedded
MATCH ()-[r]->()
RETURN label(r) AS type, count(*) AS relationships
ORDER BY type
