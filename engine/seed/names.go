package seed

// Vietnamese names as they appear in Hòa Bình: Kinh family names and the Mường families
// (Bùi, Đinh, Quách, Xa) common in the province. Deterministic, so every fresh demo has
// the same people.
var (
	familyNames = []string{"Nguyễn", "Bùi", "Đinh", "Trần", "Quách", "Lê", "Hoàng", "Xa", "Phạm", "Vũ"}
	middleNames = []string{"Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc", "Quang", "Hồng"}
	givenNames  = []string{"Chiến", "Hà", "Dũng", "Hương", "Tuấn", "Lan", "Khánh", "Thảo", "Sơn", "Yến", "Hải", "Phương", "Long", "Mai", "Thắng"}
)

type nameSource struct{ i int }

func newNameSource() *nameSource { return &nameSource{} }

// next walks the three lists at co-prime strides so that names rarely repeat.
func (n *nameSource) next() string {
	i := n.i
	n.i++
	return familyNames[i%len(familyNames)] + " " + middleNames[(i*3)%len(middleNames)] + " " + givenNames[(i*7)%len(givenNames)]
}
