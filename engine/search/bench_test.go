package search

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// tenPages is about the text of a ten-page Vietnamese official document (some 30 KB).
var tenPages = strings.Repeat("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "+
	"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV, Ủy ban nhân dân tỉnh Hòa Bình "+
	"QUYẾT ĐỊNH: Điều 1. Phê duyệt Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và "+
	"xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022–2025, tầm nhìn đến năm 2030.\n", 80)

func BenchmarkFold(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"TenPagesNFC", tenPages},
		{"TenPagesNFD", norm.NFD.String(tenPages)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				Fold(bc.text)
			}
		})
	}
}

func BenchmarkTokens(b *testing.B) {
	b.SetBytes(int64(len(tenPages)))
	for b.Loop() {
		Tokens(tenPages)
	}
}
