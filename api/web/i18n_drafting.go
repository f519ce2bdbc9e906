package web

// The words of drafting from a Decree 30 model and of the history's PDF, added to the
// catalogue here so that they live beside each other.
func init() {
	for k, v := range draftingMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var draftingMessages = map[string][2]string{
	"tpl.mode":       {"Soạn theo mẫu", "Write from a template"},
	"tpl.modeupload": {"Tải lên PDF", "Upload a PDF"},
	"tpl.preview":    {"Xem trước", "Preview"},
	"tpl.previewtitle": {"Bản xem trước (số và ngày để trống, văn thư ghi khi cấp số)",
		"Preview (number and date left blank for the clerk to fill in at issue)"},
	"tpl.formnone": {"Người đứng đầu ký", "The head signs"},
	"tpl.forhint":  {"VD: ỦY BAN NHÂN DÂN, CHỦ TỊCH", "e.g. ỦY BAN NHÂN DÂN, CHỦ TỊCH"},
	"tpl.addresseeshint": {"Mỗi dòng một nơi; để trống nếu văn bản không có “Kính gửi”.",
		"One per line; leave empty when the document has no “Kính gửi”."},
	"tpl.bodyhint": {"Dòng trống ngăn cách các đoạn. Quyết định: các dòng “Căn cứ …”, “Theo đề nghị …”, rồi “Điều 1. …”, “Điều 2. …”.",
		"A blank line separates paragraphs. A decision: its “Căn cứ …” and “Theo đề nghị …” lines, then “Điều 1. …”, “Điều 2. …”."},
	"tpl.recipientshint": {"Mỗi dòng một nơi nhận; “Lưu: VT” được thêm nếu thiếu.",
		"One recipient per line; “Lưu: VT” is added when missing."},

	"tplfield.kind":            {"Loại văn bản", "Document type"},
	"tplfield.parent_agency":   {"Cơ quan chủ quản", "Governing agency"},
	"tplfield.agency":          {"Cơ quan ban hành", "Issuing agency"},
	"tplfield.notation":        {"Ký hiệu", "Notation"},
	"tplfield.place":           {"Địa danh", "Place name"},
	"tplfield.subject":         {"Trích yếu", "Subject"},
	"tplfield.addressees":      {"Kính gửi", "Addressed to"},
	"tplfield.body":            {"Nội dung", "Text"},
	"tplfield.recipients":      {"Nơi nhận", "Recipients"},
	"tplfield.signer_form":     {"Thẩm quyền ký", "Signing authority"},
	"tplfield.signer_for":      {"Ký thay mặt, ký thay, thừa lệnh cho", "On behalf of"},
	"tplfield.signer_position": {"Chức vụ người ký", "Signer's position"},
	"tplfield.signer_name":     {"Họ tên người ký", "Signer's name"},

	"tplproblem.required": {"cần nhập", "is required"},
	"tplproblem.unknown":  {"không hợp lệ", "is not valid"},
	"tplproblem.articles": {"quyết định cần các điều đánh số liên tục từ “Điều 1.”",
		"a decision needs articles numbered from “Điều 1.” without a gap"},

	"hist.pdf": {"Tải lịch sử (PDF)", "Download the history (PDF)"},
}
