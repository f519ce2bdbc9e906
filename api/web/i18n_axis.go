package web

// The messages of the national exchange axis (liên thông), added to the catalogue here
// so that the pages' words live beside them.
func init() {
	for k, v := range axisMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var axisMessages = map[string][2]string{
	"nav.axis":   {"Liên thông", "Exchange axis"},
	"axis.title": {"Liên thông văn bản", "Document exchange over the axis"},
	"axis.off": {"Chưa cấu hình trục liên thông: không gửi được văn bản đến cơ quan ngoài hệ thống.",
		"The national exchange axis is not configured: documents cannot go to agencies outside this system."},
	"err.axisoff": {"Chưa cấu hình trục liên thông: không gửi được đến cơ quan trên trục.",
		"The national exchange axis is not configured: documents cannot go to agencies on it."},

	"axis.picker":     {"Cơ quan trên trục liên thông", "Agencies on the exchange axis"},
	"axis.search":     {"Tìm theo mã hoặc tên cơ quan", "Search by agency code or name"},
	"axis.searchhint": {"VD: bo tai chinh, G12", "e.g. bo tai chinh, G12"},
	"axis.find":       {"Tìm", "Search"},
	"axis.nomatch":    {"Không có cơ quan nào khớp.", "No agency matches."},

	"axis.deliveries": {"Gửi qua trục liên thông", "Sent over the exchange axis"},
	"axis.history":    {"Lịch sử trạng thái", "Status history"},

	"axis.code.01": {"Đã đến", "Arrived"},
	"axis.code.02": {"Từ chối", "Refused"},
	"axis.code.03": {"Đã tiếp nhận", "Accepted"},
	"axis.code.04": {"Đã phân công", "Assigned"},
	"axis.code.05": {"Đang xử lý", "In progress"},
	"axis.code.06": {"Hoàn thành", "Done"},
	"axis.code.13": {"Thu hồi", "Recalled"},
	"axis.code.15": {"Chấp nhận cập nhật/thay thế", "Update/replacement accepted"},
	"axis.code.16": {"Từ chối cập nhật/thay thế", "Update/replacement refused"},

	"axis.step.queued":   {"Chờ gửi", "Queued"},
	"axis.step.sent":     {"Đã gửi lên trục", "Sent to the axis"},
	"axis.step.failed":   {"Gửi không thành công", "Failed"},
	"axis.step.recalled": {"Đã thu hồi", "Recalled"},

	"axis.business.new":         {"Văn bản mới", "New document"},
	"axis.business.revocation":  {"Thu hồi", "Revocation"},
	"axis.business.update":      {"Cập nhật", "Update"},
	"axis.business.replacement": {"Thay thế", "Replacement"},

	"axis.sent":        {"Đã gửi", "Sent"},
	"axis.received":    {"Đã nhận", "Received"},
	"axis.refused":     {"Gói tin bị từ chối", "Refused packages"},
	"axis.issued":      {"Ngày ban hành", "Issued"},
	"axis.recipients":  {"Nơi nhận và trạng thái", "Recipients and status"},
	"axis.sender":      {"Nơi gửi", "Sender"},
	"axis.receivedat":  {"Thời điểm nhận", "Received at"},
	"axis.business":    {"Nghiệp vụ", "Business"},
	"axis.documentid":  {"Mã văn bản (DocumentId)", "DocumentId"},
	"axis.refusedat":   {"Thời điểm từ chối", "Refused at"},
	"axis.reason":      {"Lý do", "Reason"},
	"axis.package":     {"Mã gói tin", "Package"},
	"axis.refusedhint": {"Các gói tin trục liên thông chuyển đến nhưng hệ thống không tiếp nhận được, kèm lý do.", "Packages the axis delivered that this system could not take in, with why."},
	"axis.nosent":      {"Chưa gửi văn bản nào qua trục liên thông.", "No document has been sent over the axis yet."},
	"axis.noreceived":  {"Chưa nhận văn bản nào qua trục liên thông.", "No document has been received over the axis yet."},
	"axis.norefused":   {"Không có gói tin nào bị từ chối.", "No package was refused."},
	"axis.prev":        {"Trang trước", "Previous"},
	"axis.next":        {"Trang sau", "Next"},
	"axis.page":        {"Trang", "Page"},
}
