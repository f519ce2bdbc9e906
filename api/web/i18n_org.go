package web

// The messages of the organisation screen (agencies, units, successions).
func init() {
	for k, v := range orgMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var orgMessages = map[string][2]string{
	"org.title": {"Cơ quan và đơn vị", "Agencies and units"},
	"org.nav":   {"Cơ quan, đơn vị", "Agencies, units"},
	"org.hint": {"Các cơ quan thuộc quyền quản trị của bạn, với mã định danh (QĐ 20/2020/QĐ-TTg), mã QCVN 102:2016 và các đơn vị, phòng ban.",
		"The agencies you administer, with their identifier codes (Decision 20/2020/QĐ-TTg), QCVN 102:2016 codes and units."},
	"org.code": {"Mã định danh", "Identifier code"}, "org.code102": {"Mã QCVN 102", "QCVN 102 code"},
	"org.name": {"Tên cơ quan", "Agency name"}, "org.tier": {"Cấp", "Tier"}, "org.parent": {"Cơ quan cấp trên", "Parent agency"},
	"org.units": {"Đơn vị, phòng ban", "Units"}, "org.nounits": {"chưa có đơn vị", "no units yet"},
	"org.ended":  {"Đã kết thúc hoạt động ngày", "Ended on"},
	"org.agency": {"Cơ quan", "Agency"}, "org.unitname": {"Tên đơn vị", "Unit name"},
	"org.shortname": {"Tên viết tắt", "Short name"},
	"org.addunit":   {"Thêm đơn vị, phòng ban", "Add a unit"}, "org.addunit.button": {"Thêm đơn vị", "Add unit"},
	"org.addagency": {"Thêm cơ quan trực thuộc", "Add a subordinate agency"}, "org.addagency.button": {"Thêm cơ quan", "Add agency"},
	"org.succession": {"Sáp nhập, chia tách cơ quan", "Merger or split of an agency"},
	"org.succession.hint": {"Cơ quan bị sáp nhập kết thúc hoạt động; hồ sơ, văn bản đang xử lý và công việc của cơ quan được chuyển cho cơ quan kế thừa.",
		"The merged agency ends; its records, open documents and assignments pass to the successor."},
	"org.predecessor": {"Cơ quan bị sáp nhập", "Agency that ends"}, "org.successor": {"Cơ quan kế thừa", "Successor agency"},
	"org.succession.button":    {"Sáp nhập…", "Merge…"},
	"org.confirm.title":        {"Xác nhận sáp nhập", "Confirm the merger"},
	"org.confirm.text":         {"Cơ quan thứ nhất sẽ kết thúc hoạt động từ bây giờ và cơ quan thứ hai tiếp nhận hồ sơ, văn bản và công việc của cơ quan đó:", "The first agency ends now and the second takes over its records, documents and work:"},
	"org.confirm.irreversible": {"Không thể hoàn tác thao tác này.", "This cannot be undone."},
	"org.confirm.button":       {"Xác nhận sáp nhập", "Confirm the merger"},
	"org.confirm.cancel":       {"Hủy", "Cancel"},

	"org.err.code":           {"Mã định danh không hợp lệ: gồm các nhóm chữ in hoa A–Z và số 0–9, cách nhau bằng dấu chấm, tối đa 35 ký tự (ví dụ H23.14).", "The identifier code is not valid: groups of A–Z and 0–9 separated by dots, at most 35 characters (e.g. H23.14)."},
	"org.err.code102":        {"Mã QCVN 102 không hợp lệ: có dạng 000.00.00.H23.", "The QCVN 102 code is not valid: it looks like 000.00.00.H23."},
	"org.err.name":           {"Hãy nhập tên.", "Enter a name."},
	"org.err.short_name":     {"Tên viết tắt chỉ gồm chữ và số, không có khoảng trắng.", "The short name is letters and digits without spaces."},
	"org.err.tier":           {"Hãy chọn cấp của cơ quan.", "Choose the agency's tier."},
	"org.err.agency_id":      {"Hãy chọn cơ quan.", "Choose an agency."},
	"org.err.parent_id":      {"Hãy chọn cơ quan cấp trên.", "Choose the parent agency."},
	"org.err.predecessor_id": {"Hãy chọn cơ quan bị sáp nhập.", "Choose the agency that ends."},
	"org.err.successor_id":   {"Hãy chọn cơ quan kế thừa.", "Choose the successor agency."},
	"org.err.successor":      {"Cơ quan không thể tự kế thừa chính mình.", "An agency cannot succeed itself."},
	"org.err.self":           {"Cơ quan không thể tự kế thừa chính mình.", "An agency cannot succeed itself."},
	"org.err.duplicate":      {"Mã định danh hoặc tên viết tắt này đã được dùng.", "This code or short name is already in use."},

	"done.org_unit":       {"Đã thêm đơn vị.", "The unit was added."},
	"done.org_agency":     {"Đã thêm cơ quan.", "The agency was added."},
	"done.org_succession": {"Đã ghi nhận sáp nhập; cơ quan kế thừa đã tiếp nhận hồ sơ và công việc.", "The merger is recorded; the successor has taken over the records and work."},
}
