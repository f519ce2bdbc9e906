package appearance

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestISOTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 3, 5, 7, 32, 5, 0, time.UTC), "2025-03-05T14:32:05+07:00"},
		{time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), "2026-01-01T03:00:00+07:00"},
		{time.Date(2025, 3, 5, 9, 32, 5, 999, time.FixedZone("CET+2", 2*3600)), "2025-03-05T14:32:05+07:00"},
	} {
		if got := ISOTime(tc.in); got != tc.want {
			t.Errorf("ISOTime(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSealRect(t *testing.T) {
	t.Parallel()
	sig := [4]float64{100, 200, 220, 260}
	got := SealRect(sig, 36)
	d := 36 * 72 / 25.4
	want := [4]float64{140 - d, 230 - d/2, 140, 230 + d/2}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Fatalf("SealRect(%v, 36) = %v, want %v (right edge a third into the signature, 36 mm wide, centred)", sig, got, want)
		}
	}
}

func TestLeader(t *testing.T) {
	t.Parallel()
	sig := scribblePNG(t, 300, 100)

	t.Run("CentresTheSignatureBetweenTitleAndName", func(t *testing.T) {
		t.Parallel()
		a, err := Leader(LeaderOptions{X: 50, Y: 60, Titles: []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"}, Name: "Lê Thị Ánh Tuyết", Signature: sig})
		if err != nil {
			t.Fatal(err)
		}
		r, img := a.Rect(), a.ImageRect()
		if !near((img[0]+img[2])/2, (r[0]+r[2])/2) {
			t.Errorf("image %v is not centred in block %v", img, r)
		}
		if r[0] != 50 || r[1] != 60 || !near(r[2]-r[0], DefaultLeaderWidth) {
			t.Errorf("block %v, want lower-left at (50, 60) and %.0f pt wide", r, DefaultLeaderWidth)
		}
		if n := len(a.texts); n != 3 {
			t.Fatalf("%d text lines, want 3", n)
		}
		lastTitle, name := a.texts[1], a.texts[2]
		size := DefaultLeaderFontSize
		if bottom := r[1] + lastTitle.y - 0.25*size; bottom < img[3] {
			t.Errorf("last title line reaches down to %.1f, into the signature image (top %.1f)", bottom, img[3])
		}
		if top := r[1] + name.y + name.face.ascent(size); top > img[1] {
			t.Errorf("name line reaches up to %.1f, into the signature image (bottom %.1f)", top, img[1])
		}
		if !near(img[3]-img[1], DefaultSignatureHeight) || !near((img[2]-img[0])/(img[3]-img[1]), 3) {
			t.Errorf("image %v: want the default height and the PNG's 3:1 proportions", img)
		}
	})

	t.Run("RequiresTheSignatureImage", func(t *testing.T) {
		t.Parallel()
		if _, err := Leader(LeaderOptions{Titles: []string{"CHỦ TỊCH"}, Name: "Nguyễn Văn A"}); err == nil {
			t.Error("Leader without a signature image succeeded, want an error")
		}
		if _, err := Leader(LeaderOptions{Name: "Nguyễn Văn A", Signature: []byte("not a png")}); err == nil {
			t.Error("Leader with a broken PNG succeeded, want an error")
		}
	})

	t.Run("RefusesCharactersTheFontCannotDraw", func(t *testing.T) {
		t.Parallel()
		_, err := Leader(LeaderOptions{Name: "Nguyễn 中", Signature: sig})
		if err == nil || !strings.Contains(err.Error(), "U+4E2D") {
			t.Errorf("Leader with a Chinese character: err = %v, want one naming U+4E2D", err)
		}
	})
}

func TestAgency(t *testing.T) {
	t.Parallel()
	sig := [4]float64{300, 400, 450, 460}

	t.Run("KeepsTheProportionsOfANonSquareSealScan", func(t *testing.T) {
		t.Parallel()
		a, err := Agency(AgencyOptions{Seal: encodePNG(t, blank(200, 100)), DiameterMM: 40, SignatureRect: sig})
		if err != nil {
			t.Fatal(err)
		}
		r := a.Rect()
		if !near(r[2], 350) || !near(r[2]-r[0], mm(40)) || !near(r[3]-r[1], mm(20)) || !near((r[1]+r[3])/2, 430) {
			t.Errorf("seal rect %v: want 40×20 mm, right edge at 350, centred at y=430", r)
		}
	})

	t.Run("NeedsTheLeadersSignatureRect", func(t *testing.T) {
		t.Parallel()
		if _, err := Agency(AgencyOptions{Seal: sealPNG(t, 50)}); err == nil {
			t.Error("Agency without a signature rect succeeded, want an error")
		}
	})
}

func TestCorner(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 5, 7, 32, 5, 0, time.UTC)

	t.Run("RejectsAnUnknownCopyForm", func(t *testing.T) {
		t.Parallel()
		_, err := Copy(CopyOptions{CornerPlacement: CornerPlacement{PageBox: a4}, Form: "BẢN CHỤP", Agency: "UBND", SignedAt: at})
		if err == nil {
			t.Error("Copy with form BẢN CHỤP succeeded, want an error")
		}
	})

	t.Run("RequiresNumberTimeAndPageBox", func(t *testing.T) {
		t.Parallel()
		for name, opts := range map[string]AttachmentOptions{
			"no number":   {CornerPlacement: CornerPlacement{PageBox: a4}, SignedAt: at},
			"no time":     {CornerPlacement: CornerPlacement{PageBox: a4}, Number: "15/QĐ-UBND"},
			"no page box": {Number: "15/QĐ-UBND", SignedAt: at},
		} {
			if _, err := Attachment(opts); err == nil {
				t.Errorf("Attachment with %s succeeded, want an error", name)
			}
		}
	})

	t.Run("FollowsAPageBoxThatDoesNotStartAtZero", func(t *testing.T) {
		t.Parallel()
		box := [4]float64{-100, 50, 495.28, 891.89}
		a, err := Attachment(AttachmentOptions{CornerPlacement: CornerPlacement{PageBox: box, MarginTop: 10, MarginRight: 20}, Number: "15/QĐ-UBND", SignedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if r := a.Rect(); !near(r[2], 475.28) || !near(r[3], 881.89) {
			t.Errorf("rect %v, want top-right corner at (475.28, 881.89)", r)
		}
	})

	t.Run("WrapsAWordLongerThanTheLine", func(t *testing.T) {
		t.Parallel()
		long := strings.Repeat("ĐƯỜNG", 30)
		a, err := Copy(CopyOptions{CornerPlacement: CornerPlacement{PageBox: a4}, Form: CopyTrue, Agency: long, SignedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		var joined strings.Builder
		for _, l := range a.texts[1 : len(a.texts)-1] {
			w, _ := l.face.width(l.text, l.size)
			if w > DefaultCornerMaxWidth {
				t.Errorf("line %q is %.1f pt wide, want at most %.0f", l.text, w, DefaultCornerMaxWidth)
			}
			joined.WriteString(l.text)
		}
		if joined.String() != long {
			t.Errorf("wrapped lines join to %q, want the original word", joined.String())
		}
	})
}

// recorder is an ObjectWriter that keeps the bodies, numbering from 10 as in a real update.
type recorder struct{ bodies [][]byte }

func (r *recorder) AddObject(body []byte) int {
	r.bodies = append(r.bodies, body)
	return 9 + len(r.bodies)
}

var reference = regexp.MustCompile(`(\d+) 0 R`)

func TestWriteXObject(t *testing.T) {
	t.Parallel()
	leader, err := Leader(LeaderOptions{Titles: []string{"CHỦ TỊCH"}, Name: "Phạm Đức Thắng", Signature: scribblePNG(t, 300, 100)})
	if err != nil {
		t.Fatal(err)
	}
	var w recorder
	form, err := leader.WriteXObject(&w)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ReturnsTheFormXObjectWrittenLast", func(t *testing.T) {
		t.Parallel()
		if want := 9 + len(w.bodies); form != want {
			t.Errorf("form is object %d, want the last one written (%d)", form, want)
		}
		last := string(w.bodies[len(w.bodies)-1])
		r := leader.Rect()
		bbox := fmt.Sprintf("/BBox [0 0 %s %s]", num(r[2]-r[0]), num(r[3]-r[1]))
		for _, want := range []string{"/Subtype /Form", bbox, "/Resources", "/Font <<", "/XObject <<"} {
			if !strings.Contains(last, want) {
				t.Errorf("form dictionary lacks %q:\n%.300s", want, last)
			}
		}
	})

	t.Run("WritesEveryObjectBeforeItIsReferenced", func(t *testing.T) {
		t.Parallel()
		for i, body := range w.bodies {
			for _, m := range reference.FindAllSubmatch(body, -1) {
				ref, _ := strconv.Atoi(string(m[1]))
				if ref < 10 || ref >= 10+i {
					t.Errorf("object %d refers to %d, which was not written before it", 10+i, ref)
				}
			}
		}
	})

	t.Run("EmbedsASubsetType0FontWithToUnicodeAndAnImageWithSoftMask", func(t *testing.T) {
		t.Parallel()
		all := string(bytes.Join(w.bodies, []byte("\n")))
		for _, want := range []string{"/Subtype /Type0", "/Encoding /Identity-H", "/ToUnicode", "/Subtype /CIDFontType2",
			"/CIDToGIDMap /Identity", "/W [", "/FontFile2", "/SMask", "/ColorSpace /DeviceRGB", "/ColorSpace /DeviceGray"} {
			if !strings.Contains(all, want) {
				t.Errorf("objects lack %q", want)
			}
		}
		m := regexp.MustCompile(`/Length1 (\d+)`).FindStringSubmatch(all)
		if m == nil {
			t.Fatal("no /Length1 on a font file")
		}
		if n, _ := strconv.Atoi(m[1]); n*4 >= len(boldTTF) {
			t.Errorf("embedded font is %d bytes of the full %d, want under 25%%", n, len(boldTTF))
		}
	})

	t.Run("WritesTheSameBytesEveryTime", func(t *testing.T) {
		t.Parallel()
		var again recorder
		if _, err := leader.WriteXObject(&again); err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(w.bodies, again.bodies, bytes.Equal) {
			t.Error("a second WriteXObject wrote different objects; signatures must be reproducible")
		}
	})
}

// BenchmarkLeaderWriteXObject measures what signing spends on the appearance: layout, PNG
// conversion, font subsetting and compression.
func BenchmarkLeaderWriteXObject(b *testing.B) {
	sig := scribblePNG(b, 600, 200)
	for b.Loop() {
		a, err := Leader(LeaderOptions{Titles: []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}, Name: "Nguyễn Văn Chiến", Signature: sig})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.WriteXObject(new(recorder)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAgencyWritesTheIssueStampsKeepingTheSealInPlace(t *testing.T) {
	t.Parallel()
	sig := [4]float64{340, 150, 480, 210}
	plain, err := Agency(AgencyOptions{Seal: sealPNG(t, 200), SignatureRect: sig})
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := Agency(AgencyOptions{Seal: sealPNG(t, 200), SignatureRect: sig,
		Stamps: []Stamp{{X: 120, Y: 700, Text: "15"}, {X: 420, Y: 700, Text: "năm 2026", Size: 14}}})
	if err != nil {
		t.Fatal(err)
	}
	if stamped.ImageRect() != plain.ImageRect() {
		t.Fatalf("the seal moved: %v vs %v", stamped.ImageRect(), plain.ImageRect())
	}
	r := stamped.Rect()
	if r[0] > 120 || r[3] < 700 || r[1] > plain.Rect()[1] || r[2] < 420 {
		t.Fatalf("rect %v does not take in the stamps and the seal", r)
	}
	img := stamped.images[0]
	if got := r[0] + img.x; got != plain.Rect()[0] {
		t.Fatalf("seal drawn at x=%v on the page, want %v", got, plain.Rect()[0])
	}
	if _, err := Agency(AgencyOptions{Seal: sealPNG(t, 200), SignatureRect: sig, Stamps: []Stamp{{X: 1, Y: 1, Text: "中"}}}); err == nil {
		t.Fatal("a stamp the font cannot draw was accepted")
	}
}
