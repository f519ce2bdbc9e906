package roster_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/roster"
)

const sampleCSV = "username,full_name,email,agency_code,unit,role,title\n" +
	"Lo.Van.A, Lò Văn A ,a@maichau.gov.vn,h23.11,VP,Văn thư,\n" +
	",,,,,,\n" +
	"\"ha.thi.b\",\"Hà Thị B, phó phòng\",,H23.11,VX,chuyên viên,Phó Trưởng phòng\n"

func TestParseReadsCSVWithAndWithoutBOM(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{"plain": sampleCSV, "bom": "\ufeff" + sampleCSV,
		"semicolons": strings.ReplaceAll(strings.ReplaceAll(sampleCSV, ",", ";"), "B; phó", "B, phó"),
		"decomposed": norm.NFD.String(sampleCSV)} {
		t.Run(name, func(t *testing.T) {
			rows, err := roster.Parse([]byte(data))
			if err != nil || len(rows) != 2 {
				t.Fatalf("rows = %+v, %v", rows, err)
			}
			want := engine.ImportRow{Line: 2, Username: "lo.van.a", FullName: "Lò Văn A", Email: "a@maichau.gov.vn",
				AgencyCode: "H23.11", Unit: "VP", Role: "Văn thư"}
			if rows[0] != want {
				t.Errorf("row 1 = %+v\nwant %+v", rows[0], want)
			}
			if rows[1].Line != 4 || rows[1].FullName != "Hà Thị B, phó phòng" || rows[1].Title != "Phó Trưởng phòng" {
				t.Errorf("row 2 = %+v", rows[1])
			}
		})
	}
}

func TestParseReadsXLSX(t *testing.T) {
	t.Parallel()
	rows, err := roster.Parse(workbook(t, [][]string{{"Tên đăng nhập", "Họ và tên", "Mã cơ quan", "Vai trò", "Đơn vị"},
		{"nguyen.van.c", "Nguyễn Văn C", "H23", "specialist", "VX"}}))
	want := engine.ImportRow{Line: 2, Username: "nguyen.van.c", FullName: "Nguyễn Văn C", AgencyCode: "H23", Role: "specialist", Unit: "VX"}
	if err != nil || len(rows) != 1 || rows[0] != want {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	many := "username,full_name,agency_code,role\n" + strings.Repeat("a,b,c,d\n", engine.MaxImportRows+1)
	for name, c := range map[string]struct {
		data []byte
		code string
	}{
		"no required column": {[]byte("username,full_name,role\na,b,c\n"), "missing_column"},
		"header only":        {[]byte("username,full_name,agency_code,role\n"), "no_rows"},
		"empty":              {nil, "no_rows"},
		"latin-1":            {[]byte("username,full_name,agency_code,role\nx,Nguy\xean,H23,clerk\n"), "not_utf8"},
		"too many rows":      {[]byte(many), "too_many_rows"},
		"too large":          {bytes.Repeat([]byte("a"), roster.MaxBytes+1), "too_large"},
		"broken workbook":    {[]byte("PK\x03\x04 not really a zip"), "unreadable"},
		"bad quotes":         {[]byte("username,full_name,agency_code,role\n\"a,b,c,d\n"), "unreadable"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := roster.Parse(c.data)
			var re *roster.Error
			if !errors.As(err, &re) || re.Code != c.code || !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
		})
	}
}

func workbook(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzParse: no input panics, and what is read keeps the limits and line numbers.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleCSV))
	f.Add([]byte("\ufeff" + sampleCSV))
	f.Add([]byte("username;full_name;agency_code;role\nx;y;z;w\n"))
	f.Add(workbook(f, [][]string{{"username", "full_name", "agency_code", "role"}, {"a", "b", "H23", "clerk"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := roster.Parse(data)
		if err != nil {
			var re *roster.Error
			if !errors.As(err, &re) {
				t.Fatalf("an error that is no roster.Error: %v", err)
			}
			return
		}
		if len(rows) == 0 || len(rows) > engine.MaxImportRows {
			t.Fatalf("%d rows", len(rows))
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last || r == (engine.ImportRow{Line: r.Line}) {
				t.Fatalf("row %s", fmt.Sprint(r))
			}
			last = r.Line
		}
	})
}
