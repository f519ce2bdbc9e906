package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/signer/verify"
)

// printReport writes the validation report for a person: per signature who signed, for
// which organisation, when (Vietnam time), at which level, whether the bytes are intact
// and changed afterwards, and the result in words with the reason when it is not valid.
// --json keeps the machine form.
func printReport(w io.Writer, lang, file string, r *verify.Report) {
	fmt.Fprintf(w, "%s: %d %s\n", file, len(r.Signatures), pick(lang, "chữ ký số", "signature(s)"))
	for i, s := range r.Signatures {
		printSignature(w, lang, i+1, s)
	}
}

// reportLine writes one "label: value" line with the values aligned.
func reportLine(w io.Writer, label, value string) {
	fmt.Fprintf(w, "  %-22s %s\n", label+":", value)
}

func printSignature(w io.Writer, lang string, n int, s verify.Signature) {
	title := pick(lang, "Chữ ký", "Signature")
	if s.Type == "document_timestamp" {
		title = pick(lang, "Dấu thời gian văn bản", "Document timestamp")
	}
	fmt.Fprintf(w, "\n%s %d (%s %q, %s)\n", title, n, pick(lang, "trường", "field"), s.Field, s.SubFilter)
	reportLine(w, pick(lang, "Người ký", "Signer"), orDash(s.Signer))
	if len(s.Chain) > 0 {
		reportLine(w, pick(lang, "Cơ quan, tổ chức", "Organisation"), orDash(dnAttr(s.Chain[0].Subject, "O")))
	}
	if s.SigningTime != nil {
		reportLine(w, pick(lang, "Thời điểm ký", "Signing time"), localTime(lang, *s.SigningTime))
	}
	if ts := s.Timestamp; ts != nil && !ts.Time.IsZero() {
		by := dnAttr(ts.TSA, "CN")
		if by == "" {
			by = ts.TSA
		}
		reportLine(w, pick(lang, "Dấu thời gian", "Timestamp"), localTime(lang, ts.Time)+pick(lang, ", do ", ", by ")+by)
	}
	if s.Level != "" {
		reportLine(w, pick(lang, "Mức chữ ký", "Level"), levelName(s.Level))
	}
	reportLine(w, pick(lang, "Nguyên vẹn", "Intact"), yesNo(lang, s.Intact))
	reportLine(w, pick(lang, "Thay đổi sau khi ký", "Changed after signing"), yesNo(lang, s.ModifiedAfterSigning))
	for _, c := range s.Changes {
		allowed := pick(lang, "không được phép", "not permitted")
		if c.Permitted {
			allowed = pick(lang, "được phép", "permitted")
		}
		fmt.Fprintf(w, "    - %s %d: %s — %s\n", pick(lang, "lần cập nhật", "revision"), c.Revision, changeName(lang, c), allowed)
	}
	if s.Revocation.Status != "" {
		reportLine(w, pick(lang, "Tình trạng chứng thư", "Certificate status"), revocationName(lang, s.Revocation))
	}
	reportLine(w, pick(lang, "Kết quả", "Result"), resultName(lang, s))
	if s.Indication != verify.TotalPassed {
		reportLine(w, pick(lang, "Lý do", "Reason"), reasonOf(lang, s))
		for _, e := range s.Errors {
			reportLine(w, pick(lang, "Chi tiết", "Detail"), e)
		}
	}
	for _, warning := range s.Warnings {
		reportLine(w, pick(lang, "Lưu ý", "Warning"), bilingual(lang, warning))
	}
}

// levelName is the PAdES baseline level in the short form people use (B-LT), with the
// validator's full name.
func levelName(level string) string {
	if short, ok := strings.CutPrefix(level, "PAdES-BASELINE-"); ok {
		return "B-" + short + " (" + level + ")"
	}
	return level
}

func resultName(lang string, s verify.Signature) string {
	verdict := s.Indication
	if s.SubIndication != "" {
		verdict += " / " + s.SubIndication
	}
	var words string
	switch s.Indication {
	case verify.TotalPassed:
		words = pick(lang, "HỢP LỆ", "VALID")
	case verify.TotalFailed:
		words = pick(lang, "KHÔNG HỢP LỆ", "NOT VALID")
	default:
		words = pick(lang, "CHƯA XÁC ĐỊNH ĐƯỢC", "CANNOT BE CONFIRMED")
	}
	return words + " (" + verdict + ")"
}

// reasonOf says why a signature is not valid: the validator's own words when it gave
// them, else what the sub-indication means.
func reasonOf(lang string, s verify.Signature) string {
	if s.Reason != "" {
		return bilingual(lang, s.Reason)
	}
	if m, ok := subIndicationWords[s.SubIndication]; ok {
		return pick(lang, m[0], m[1])
	}
	if len(s.Errors) > 0 {
		return s.Errors[0]
	}
	return s.SubIndication
}

// subIndicationWords are the ETSI EN 319 102-1 sub-indications the validator gives, in
// words.
var subIndicationWords = map[string][2]string{
	"HASH_FAILURE": {"nội dung văn bản đã bị thay đổi sau khi ký (mã băm không khớp)",
		"the document's content changed after signing (the digest does not match)"},
	"SIG_CRYPTO_FAILURE": {"chữ ký không khớp với khóa công khai của chứng thư ký",
		"the signature does not verify with the signing certificate's public key"},
	"FORMAT_FAILURE": {"văn bản bị sửa sau khi ký theo cách không được phép, hoặc chữ ký sai định dạng",
		"the document was changed after signing in a way that is not permitted, or the signature is malformed"},
	"REVOKED": {"chứng thư ký đã bị thu hồi trước khi ký", "the signing certificate was revoked before signing"},
	"REVOKED_NO_POE": {"chứng thư ký đã bị thu hồi và không có dấu thời gian chứng minh văn bản được ký trước đó",
		"the signing certificate was revoked and no timestamp proves the signature came before"},
	"TRY_LATER": {"chưa kiểm tra được tình trạng thu hồi của chứng thư (không lấy được OCSP/CRL); hãy thử lại sau",
		"the certificate's revocation status could not be checked (no OCSP or CRL could be had); try again later"},
	"NO_CERTIFICATE_CHAIN_FOUND": {"chứng thư ký không dẫn tới một tổ chức cung cấp dịch vụ chứng thực được tin cậy",
		"the signing certificate does not chain to a trusted certification authority"},
	"NO_SIGNING_CERTIFICATE_FOUND": {"không tìm thấy chứng thư ký trong chữ ký", "the signing certificate is not in the signature"},
	"OUT_OF_BOUNDS_NO_POE": {"chứng thư ký đã hết hạn và không có dấu thời gian chứng minh thời điểm ký",
		"the signing certificate has expired and no timestamp proves when the document was signed"},
	"NOT_YET_VALID":              {"chứng thư ký chưa có hiệu lực tại thời điểm ký", "the signing certificate was not yet valid when signing"},
	"CRYPTO_CONSTRAINTS_FAILURE": {"thuật toán hoặc độ dài khóa không còn đủ an toàn", "the algorithm or key size is no longer considered safe"},
	"SIG_CONSTRAINTS_FAILURE": {"nội dung hiển thị đã bị thêm đè lên nội dung đã ký",
		"visible content was added over the signed content"},
}

func revocationName(lang string, r verify.Revocation) string {
	var words string
	switch r.Status {
	case "good":
		words = pick(lang, "chưa bị thu hồi", "not revoked")
	case "revoked":
		words = pick(lang, "ĐÃ BỊ THU HỒI", "REVOKED")
		if r.RevokedAt != nil {
			words += pick(lang, " lúc ", " at ") + localTime(lang, *r.RevokedAt)
		}
	default:
		words = pick(lang, "chưa rõ", "unknown")
	}
	if sources := slices.Compact(slices.Sorted(slices.Values(r.Sources))); len(sources) > 0 {
		words += " (" + strings.Join(sources, ", ") + ")"
	}
	return words
}

// changeName describes a change made after a signature; kinds the reader meets every day
// have words, the rest the validator's detail.
func changeName(lang string, c verify.Change) string {
	words := map[string][2]string{
		"dss":                {"thêm dữ liệu kiểm tra chữ ký (DSS)", "validation data added (DSS)"},
		"signature":          {"thêm chữ ký số", "signature added"},
		"document_timestamp": {"thêm dấu thời gian văn bản", "document timestamp added"},
		"field_added":        {"thêm trường chữ ký", "signature field added"},
		"form_fill":          {"điền biểu mẫu", "form filled in"},
		"metadata":           {"cập nhật thông tin mô tả", "metadata updated"},
		"signature_over_signature": {"chữ ký (dấu) mới được thể hiện trùm lên chữ ký trước, như con dấu theo Nghị định 30",
			"a new signature drawn over an earlier one, as a seal is under Decree 30"},
	}
	if m, ok := words[c.Kind]; ok {
		return pick(lang, m[0], m[1])
	}
	return c.Kind + ": " + c.Detail
}

func yesNo(lang string, b bool) string {
	if b {
		return pick(lang, "có", "yes")
	}
	return pick(lang, "không", "no")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// dnAttr is the first value of an attribute (CN, O, …) in a distinguished name as Go
// prints it (RFC 2253: "CN=Nguyễn Văn A,O=UBND tỉnh\, Hòa Bình,C=VN"), with its escapes
// undone; "" when absent.
func dnAttr(dn, attr string) string {
	var parts []string
	var cur strings.Builder
	escaped := false
	for _, r := range dn {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
			continue
		case r == '\\':
			escaped = true
			continue
		case r == ',' || r == '+':
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(strings.TrimSpace(k), attr) {
			return v
		}
	}
	return ""
}
