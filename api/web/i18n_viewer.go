package web

// The messages of the PDF viewer's toolbar, of placing the number and date at issue and of
// the leader named to sign, added to the catalogue here so that they live together.
func init() {
	for k, v := range viewerMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var viewerMessages = map[string][2]string{
	"viewer.toolbar":  {"Điều khiển bản xem trước", "Preview controls"},
	"viewer.prev":     {"Trang trước", "Previous page"},
	"viewer.next":     {"Trang sau", "Next page"},
	"viewer.page":     {"Trang", "Page"},
	"viewer.zoomin":   {"Phóng to", "Zoom in"},
	"viewer.zoomout":  {"Thu nhỏ", "Zoom out"},
	"viewer.fit":      {"Vừa khung", "Fit width"},
	"viewer.print":    {"In", "Print"},
	"viewer.download": {"Tải về", "Download"},
	"viewer.nojs":     {"Trình duyệt không chạy JavaScript nên không hiển thị được bản xem trước; hãy tải tệp về để xem.", "Without JavaScript the preview cannot be shown; download the file to read it."},

	"place.title": {"Vị trí ghi số và ngày tháng", "Where the number and date go"},
	"place.found": {"Đã tìm thấy chỗ ghi số và ngày tháng trên trang đầu của dự thảo. Chỉ vị trí khác nếu cần (không bắt buộc).",
		"The blanks for the number and date were found on the draft's first page. Place them elsewhere only if needed (optional)."},
	"place.missing": {"Không tìm thấy chỗ ghi số (“Số:”) hoặc ngày tháng (“ngày … tháng … năm”) trên trang đầu của dự thảo: hãy chỉ vị trí trước khi cấp số.",
		"No “Số:” or “ngày … tháng … năm” blank was found on the draft's first page: place them before issuing."},
	"place.hint": {"Bấm “Số” rồi bấm vào trang đầu ở bản xem trước, chỗ bắt đầu dòng “Số: …”; sau đó bấm vào chỗ bắt đầu dòng ngày tháng. Toạ độ tính bằng point từ góc dưới bên trái trang.",
		"Press “Number”, then click on the first page of the preview where the line “Số: …” starts; then click where the date line starts. Positions are in points from the page's lower left corner."},
	"place.number":     {"Số", "Number"},
	"place.date":       {"Ngày tháng", "Date"},
	"place.marknumber": {"Số: …", "Số: …"},
	"place.markdate":   {"…, ngày … tháng … năm …", "…, ngày … tháng … năm …"},
	"err.placement": {"Vị trí ghi số hoặc ngày tháng không hợp lệ: cần cả x và y, là số (point).",
		"The position of the number or date is not valid: both x and y are needed, as numbers (points)."},

	"doc.intendedsigner": {"Người ký dự kiến", "Intended signer"},
	"signer.change":      {"Đổi người ký", "Change signer"},
	"hist.change_signer": {"Đổi người ký dự kiến", "Changed the intended signer"},
}
