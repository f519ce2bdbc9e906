package docpdf

import (
	"fmt"
	"time"
)

// Sample documents of the demo province, used by the tests and benchmarks.

var directiveBody = []string{
	"Thời gian qua, công tác cải cách hành chính trên địa bàn tỉnh đã đạt được nhiều kết quả tích cực; chất lượng phục vụ người dân và doanh nghiệp từng bước được nâng lên.",
	"Tuy nhiên, việc ứng dụng công nghệ thông tin trong quản lý văn bản và điều hành còn chậm; một số cơ quan chưa thực hiện ký số văn bản điện tử theo quy định tại Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.",
	"Để khắc phục những tồn tại, hạn chế nêu trên, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thành phố tập trung thực hiện tốt các nhiệm vụ sau đây:",
}

// longDirective is a Chỉ thị long enough to run over three pages.
func longDirective() Document {
	body := append([]string{}, directiveBody...)
	for i := 1; i <= 14; i++ {
		body = append(body, fmt.Sprintf("%d. Rà soát, chuẩn hóa quy trình tiếp nhận, xử lý văn bản đến và văn bản đi; bảo đảm 100%% văn bản được ký số, "+
			"lưu trữ và chuyển giao trên Hệ thống quản lý văn bản và điều hành của tỉnh, trừ văn bản mật theo quy định của pháp luật (nhiệm vụ số %d).", i, i))
	}
	body = append(body, "Chỉ thị này có hiệu lực kể từ ngày ký. Giao Sở Nội vụ theo dõi, đôn đốc, kiểm tra việc thực hiện Chỉ thị và báo cáo Ủy ban nhân dân tỉnh.")
	return Document{
		Agency:   "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH",
		Number:   15,
		Notation: "CT-UBND",
		Place:    "Hòa Bình",
		Date:     time.Date(2025, 3, 5, 9, 0, 0, 0, vietnam),
		Type:     "Chỉ thị",
		Summary:  "Về việc đẩy mạnh ứng dụng chữ ký số trong công tác văn thư",
		Body:     Text(body...),
		Signer:   Signer{Authority: []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}, Name: "Nguyễn Văn Chiến"},
		Recipients: []string{"Văn phòng Chính phủ", "Bộ Nội vụ", "TT Tỉnh ủy, TT HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh",
			"Các sở, ban, ngành", "UBND các huyện, thành phố", "Lưu: VT, NC"},
	}
}

// officialLetter is a one-page Công văn, still a draft without a number.
func officialLetter() Document {
	return Document{
		ParentAgency: "UBND tỉnh Hòa Bình",
		Agency:       "Sở Nội vụ",
		Notation:     "SNV-VP",
		Place:        "Hòa Bình",
		Date:         time.Date(2025, 1, 7, 0, 0, 0, 0, vietnam),
		Summary:      "Đề nghị báo cáo tình hình thực hiện ký số văn bản quý I năm 2025",
		Addressees:   []string{"Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thành phố"},
		Body: Text(
			"Thực hiện Chỉ thị số 15/CT-UBND ngày 05 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh, Sở Nội vụ đề nghị các cơ quan, đơn vị báo cáo tình hình ký số văn bản điện tử trong quý I năm 2025.",
			"Báo cáo gửi về Sở Nội vụ trước ngày 25 tháng 3 năm 2025 để tổng hợp, báo cáo Ủy ban nhân dân tỉnh./.",
		),
		Signer:     Signer{Authority: []string{"GIÁM ĐỐC"}, Name: "Trần Thị Hằng"},
		Recipients: []string{"Như trên", "Lưu: VT, VP"},
		Urgency:    Urgent,
	}
}

// phuLuc is a two-page attachment issued with the directive.
func phuLuc() Attachment {
	a := Attachment{
		ParentAgency: "",
		Agency:       "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH",
		Title:        "Phụ lục I",
		Heading:      "Danh mục cơ quan, đơn vị thực hiện ký số văn bản điện tử năm 2025",
	}
	for i := 1; i <= 30; i++ {
		a.Body = append(a.Body, Paragraph{Text: fmt.Sprintf("%d. Sở, ngành số %d: hoàn thành cấp chứng thư số cho lãnh đạo và văn thư cơ quan trước quý II năm 2025.", i, i)})
	}
	return a
}

// incomingRegister is a sổ đăng ký văn bản đến with n rows.
func incomingRegister(n int) Register {
	r := Register{
		Agency:   "Ủy ban nhân dân tỉnh Hòa Bình",
		Title:    "Sổ đăng ký văn bản đến",
		Subtitle: "Năm 2025",
		Columns: []Column{{"Ngày đến", 2.6}, {"Số đến", 1.5}, {"Tác giả", 4}, {"Số, ký hiệu", 2.5}, {"Ngày tháng", 2.6},
			{"Tên loại và trích yếu nội dung", 8}, {"Đơn vị hoặc người nhận", 3}, {"Ký nhận", 2}, {"Ghi chú", 2}},
	}
	for i := 1; i <= n; i++ {
		summary := fmt.Sprintf("Công văn báo cáo chuyển đổi số, lần %d", i)
		if i%50 == 0 { // some rows wrap over several lines
			summary += ", kèm theo danh mục hồ sơ, tài liệu chuyển đổi sang định dạng điện tử và kế hoạch số hóa tài liệu lưu trữ"
		}
		r.Rows = append(r.Rows, []string{"05/03/2025", fmt.Sprintf("%02d", i), "Sở Tài chính",
			fmt.Sprintf("%d/STC-VP", 100+i), "04/03/2025", summary, "Văn phòng", "", ""})
	}
	return r
}

// decision is a Quyết định with its grounds in italics and the centred "QUYẾT ĐỊNH:".
func decision() Document {
	return Document{
		Agency:   "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH",
		Number:   7,
		Notation: "QĐ-UBND",
		Place:    "Hòa Bình",
		Date:     time.Date(2025, 2, 14, 0, 0, 0, 0, vietnam),
		Type:     "Quyết định",
		Summary:  "Về việc ban hành Quy chế quản lý văn bản điện tử của Ủy ban nhân dân tỉnh",
		Body: []Paragraph{
			{Text: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", Bold: true, Centred: true},
			{Text: "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;", Italic: true},
			{Text: "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;", Italic: true},
			{Text: "Theo đề nghị của Giám đốc Sở Nội vụ.", Italic: true},
			{Text: "QUYẾT ĐỊNH:", Bold: true, Centred: true},
			{Text: "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý văn bản điện tử của Ủy ban nhân dân tỉnh Hòa Bình."},
			{Text: "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."},
			{Text: "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."},
		},
		Signer:          Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"},
		Recipients:      []string{"Như Điều 3", "Lưu: VT, NC"},
		Confidentiality: Secret,
		Urgency:         FlashPriority,
	}
}
