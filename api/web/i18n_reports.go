package web

// The messages of the reports page (báo cáo), added to the catalogue here so that the
// page's words live beside it. The files (PDF, XLSX) always take the Vietnamese ones.
func init() {
	for k, v := range reportMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var reportMessages = map[string][2]string{
	"nav.reports":  {"Báo cáo", "Reports"},
	"report.title": {"Báo cáo", "Reports"},
	"report.link":  {"Báo cáo, thống kê", "Reports"},
	"report.kind":  {"Báo cáo", "Report"},
	"report.group": {"Văn bản theo", "Documents by"},
	"report.by":    {"Tiến độ theo", "Progress by"},
	"report.year":  {"Năm", "Year"},
	"report.show":  {"Xem", "Show"},
	"report.pdf":   {"Tải PDF", "Download PDF"},
	"report.xlsx":  {"Tải Excel", "Download Excel"},
	"report.none":  {"Không có số liệu.", "No data."},
	"report.more": {"Chỉ hiển thị 200 dòng đầu; tải PDF hoặc Excel để xem toàn bộ.",
		"Only the first 200 rows are shown; download the PDF or Excel file for all of them."},
	"report.span": {"Từ ngày %s đến ngày %s", "From %s to %s"},

	"report.k.documents": {"Văn bản đến, đi", "Documents in and out"},
	"report.k.ontime":    {"Tình hình xử lý, tỷ lệ đúng hạn", "Processing and on-time rate"},
	"report.k.overdue":   {"Văn bản quá hạn xử lý", "Overdue list"},
	"report.k.records":   {"Danh mục hồ sơ", "Records list"},
	"report.g.type":      {"Loại văn bản", "Type"},
	"report.g.sender":    {"Cơ quan ban hành", "Issuer"},
	"report.g.recipient": {"Nơi nhận", "Recipient"},
	"report.b.unit":      {"Đơn vị", "Unit"},
	"report.b.person":    {"Cá nhân", "Person"},

	"report.t.documents.type":      {"Thống kê văn bản đến, đi theo loại văn bản", "Documents in and out by type"},
	"report.t.documents.sender":    {"Thống kê văn bản đến theo cơ quan ban hành", "Documents in by issuer"},
	"report.t.documents.recipient": {"Thống kê văn bản đi theo nơi nhận", "Documents out by recipient"},
	"report.t.ontime.unit":         {"Tình hình xử lý văn bản đến theo đơn vị", "Processing of incoming documents by unit"},
	"report.t.ontime.person":       {"Tình hình xử lý văn bản đến theo cá nhân", "Processing of incoming documents by person"},
	"report.t.overdue":             {"Danh sách văn bản quá hạn xử lý", "Overdue assignments"},
	"report.t.records":             {"Danh mục hồ sơ", "Records list"},

	"report.c.flow":      {"Văn bản", "Flow"},
	"report.c.type":      {"Loại văn bản", "Type"},
	"report.c.sender":    {"Cơ quan ban hành", "Issuer"},
	"report.c.recipient": {"Nơi nhận", "Recipient"},
	"report.c.count":     {"Số lượng", "Count"},
	"report.c.unit":      {"Đơn vị", "Unit"},
	"report.c.person":    {"Người xử lý", "Person"},
	"report.c.done":      {"Xong đúng hạn", "Done on time"},
	"report.c.late":      {"Xong quá hạn", "Done late"},
	"report.c.intime":    {"Đang xử lý trong hạn", "Open, in time"},
	"report.c.overdue":   {"Quá hạn chưa xong", "Open, overdue"},
	"report.c.rate":      {"Tỷ lệ đúng hạn", "On-time rate"},
	"report.c.innumber":  {"Số đến", "Incoming no."},
	"report.c.notation":  {"Số, ký hiệu", "Number and notation"},
	"report.c.subject":   {"Trích yếu nội dung", "Subject"},
	"report.c.holder":    {"Đơn vị, người xử lý", "Handled by"},
	"report.c.deadline":  {"Hạn xử lý", "Deadline"},
	"report.c.dayslate":  {"Số ngày quá hạn", "Working days late"},
	"report.c.code":      {"Số, ký hiệu hồ sơ", "Record code"},
	"report.c.title":     {"Tiêu đề hồ sơ", "Title"},
	"report.c.retention": {"Thời hạn bảo quản", "Retention"},
	"report.c.owner":     {"Người lập hồ sơ", "Owner"},
	"report.c.state":     {"Trạng thái", "State"},
	"report.c.docs":      {"Số văn bản", "Documents"},

	"report.flow.incoming": {"Đến", "In"},
	"report.flow.outgoing": {"Đi", "Out"},
}
