package edxml

import (
	"fmt"
	"strings"
)

// Urgency is độ khẩn, spelled like engine.Urgency so that
// engine.Urgency(u) converts it.
type Urgency string

const (
	UrgencyNormal     Urgency = ""            // Thường
	UrgencyUrgent     Urgency = "khan"        // Khẩn
	UrgencyVeryUrgent Urgency = "thuong_khan" // Thượng khẩn
	UrgencyFlash      Urgency = "hoa_toc"     // Hỏa tốc
)

// priorities is the OtherInfo/Priority code table. [INFER] Every sample
// carries 0 (thường); the codes for the three urgent levels are not in the
// sources available (vn-standards §1.8, §3.2). This table is the one most
// Vietnamese QLVB products use, in the ascending order of Decree 30:
//
//	0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc
//
// Verify against the QCVN 102:2016 text before relying on it.
var priorities = []Urgency{UrgencyNormal, UrgencyUrgent, UrgencyVeryUrgent, UrgencyFlash}

// UrgencyFromPriority maps an OtherInfo/Priority code to an urgency.
func UrgencyFromPriority(code int) (Urgency, error) {
	if code < 0 || code >= len(priorities) {
		return "", fmt.Errorf("edxml: priority %d: want 0 (thường) to 3 (hỏa tốc): %w", code, ErrMalformed)
	}
	return priorities[code], nil
}

// Priority maps an urgency back to its OtherInfo/Priority code.
func (u Urgency) Priority() (int, error) {
	for code, v := range priorities {
		if v == u {
			return code, nil
		}
	}
	return 0, fmt.Errorf("edxml: unknown urgency %q: %w", string(u), ErrMalformed)
}

// Urgency reads OtherInfo/Priority.
func (m *Message) Urgency() (Urgency, error) { return UrgencyFromPriority(m.OtherInfo.Priority) }

// DocKind is a kind of administrative document, numbered in the order of
// Decree 30/2020 Art. 7 (1 Nghị quyết … 18 Công văn … 29 Thư công).
//
// [INFER] QCVN 102 DocumentType codes are not in the sources available; one
// SDK defaults Type=18 for Công văn, which is its position in Art. 7, so this
// numbering is the best guess for the code table. Kind therefore trusts
// TypeName first.
type DocKind int

type kindInfo struct {
	name, abbr string
}

// kinds is Art. 7 with the abbreviations of Phụ lục III mục I. Công văn and
// thư công have none: a công văn's ký hiệu is agency + unit ("12/UBND-VX").
var kinds = [...]kindInfo{
	1: {"Nghị quyết", "NQ"}, 2: {"Quyết định", "QĐ"}, 3: {"Chỉ thị", "CT"}, 4: {"Quy chế", "QC"},
	5: {"Quy định", "QyĐ"}, 6: {"Thông cáo", "TC"}, 7: {"Thông báo", "TB"}, 8: {"Hướng dẫn", "HD"},
	9: {"Chương trình", "CTr"}, 10: {"Kế hoạch", "KH"}, 11: {"Phương án", "PA"}, 12: {"Đề án", "ĐA"},
	13: {"Dự án", "DA"}, 14: {"Báo cáo", "BC"}, 15: {"Biên bản", "BB"}, 16: {"Tờ trình", "TTr"},
	17: {"Hợp đồng", "HĐ"}, 18: {"Công văn", ""}, 19: {"Công điện", "CĐ"}, 20: {"Bản ghi nhớ", "BGN"},
	21: {"Bản thỏa thuận", "BTT"}, 22: {"Giấy ủy quyền", "GUQ"}, 23: {"Giấy mời", "GM"},
	24: {"Giấy giới thiệu", "GGT"}, 25: {"Giấy nghỉ phép", "GNP"}, 26: {"Phiếu gửi", "PG"},
	27: {"Phiếu chuyển", "PC"}, 28: {"Phiếu báo", "PB"}, 29: {"Thư công", ""},
}

const (
	KindNghiQuyet DocKind = 1
	KindQuyetDinh DocKind = 2
	KindChiThi    DocKind = 3
	KindCongVan   DocKind = 18
	KindCongDien  DocKind = 19
	KindThuCong   DocKind = 29
)

// Valid reports whether k is one of the 29 kinds.
func (k DocKind) Valid() bool { return k >= 1 && int(k) < len(kinds) }

// Name is the kind's name, "Quyết định".
func (k DocKind) Name() string {
	if !k.Valid() {
		return ""
	}
	return kinds[k].name
}

// Abbreviation is the official abbreviation ("QĐ", "QyĐ", "CTr"); it is ""
// for công văn and thư công, which have none.
func (k DocKind) Abbreviation() string {
	if !k.Valid() {
		return ""
	}
	return kinds[k].abbr
}

// KindByAbbreviation finds a kind by its official abbreviation. The case is
// significant (QC is Quy chế, QyĐ is Quy định); "" is not accepted because
// two kinds have no abbreviation.
func KindByAbbreviation(abbr string) (DocKind, bool) {
	if abbr == "" {
		return 0, false
	}
	for k := range kinds {
		if kinds[k].abbr == abbr {
			return DocKind(k), true
		}
	}
	return 0, false
}

// KindByName finds a kind by its name, ignoring case and surrounding space;
// both placements of the tone mark in "thỏa/thoả" are accepted.
func KindByName(name string) (DocKind, bool) {
	want := normalizeName(name)
	for k := range kinds {
		if kinds[k].name != "" && normalizeName(kinds[k].name) == want {
			return DocKind(k), true
		}
	}
	return 0, false
}

// normalizeName folds case and the old-style tone placement that Vietnamese
// keyboards still produce ("thoả" for "thỏa", "uỷ" for "ủy").
var toneFolder = strings.NewReplacer("oả", "ỏa", "uỷ", "ủy", "oá", "óa", "oà", "òa", "oạ", "ọa")

func normalizeName(s string) string {
	return toneFolder.Replace(strings.ToLower(strings.TrimSpace(s)))
}

// Kind resolves the document's kind: by TypeName when it names one of the
// 29 kinds, otherwise by the Type code read as an Art. 7 ordinal.
func (t DocumentType) Kind() (DocKind, bool) {
	if k, ok := KindByName(t.TypeName); ok {
		return k, true
	}
	if k := DocKind(t.Type); k.Valid() {
		return k, true
	}
	return 0, false
}

// BusinessDocType is Bussiness/BussinessDocType.
type BusinessDocType int

const (
	BusinessNew     BusinessDocType = 0 // Văn bản mới
	BusinessRevoke  BusinessDocType = 1 // Thu hồi
	BusinessUpdate  BusinessDocType = 2 // Cập nhật
	BusinessReplace BusinessDocType = 3 // Thay thế
)

// Valid reports whether t is one of the four codes.
func (t BusinessDocType) Valid() bool { return t >= BusinessNew && t <= BusinessReplace }
