package web

import (
	"fmt"
	"html/template"
	"strings"
)

// series is one coloured set of bars.
type series struct {
	Name   string
	Values []int
	Class  string
}

// barChart draws grouped vertical bars as inline SVG: no chart library, prints and scales
// with the page. Labels and names are escaped.
func barChart(title string, labels []string, ss []series) template.HTML {
	const w, h, left, bottom, top = 640.0, 260.0, 40.0, 30.0, 30.0
	peak := 1
	for _, s := range ss {
		for _, v := range s.Values {
			peak = max(peak, v)
		}
	}
	peak = (peak + 3) / 4 * 4 // four whole-number grid steps
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, esc(title))
	plotH := h - bottom - top
	for i := 0; i <= 4; i++ {
		y := top + plotH*float64(i)/4
		fmt.Fprintf(&b, `<line class="grid" x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f"/>`, left, w, y, y)
		fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.1f" text-anchor="end">%d</text>`, left-4, y+4, peak*(4-i)/4)
	}
	slot := (w - left) / float64(max(len(labels), 1))
	bar := slot * 0.8 / float64(max(len(ss), 1))
	for i, l := range labels {
		x0 := left + slot*float64(i) + slot*0.1
		for j, s := range ss {
			v := 0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			bh := plotH * float64(v) / float64(peak)
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
				esc(s.Class), x0+bar*float64(j), top+plotH-bh, bar-1, bh, esc(s.Name+" "+l), v)
		}
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.0f" text-anchor="middle">%s</text>`, x0+slot*0.4, h-bottom+20, esc(l))
	}
	for j, s := range ss {
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="4" width="14" height="14"/><text class="legend" x="%.0f" y="16">%s</text>`,
			esc(s.Class), left+float64(j)*150, left+float64(j)*150+18, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: every text above went through esc
}

// rateRow is one horizontal bar of a rate chart.
type rateRow struct {
	Label string
	Rate  float64 // 0..1
	Note  string
}

// rateChart draws horizontal bars of rates (on-time shares) as inline SVG.
func rateChart(title string, rows []rateRow) template.HTML {
	const w, rowH, labelW = 640.0, 28.0, 280.0
	h := rowH*float64(len(rows)) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, esc(title))
	for i, r := range rows {
		y := 4 + rowH*float64(i)
		fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, labelW-6, y+18, esc(truncateLabel(r.Label, 32)))
		fmt.Fprintf(&b, `<rect class="track" x="%.0f" y="%.1f" width="%.0f" height="%.0f"/>`, labelW, y+3, w-labelW-70, rowH-10)
		class := "good"
		if r.Rate < 0.8 {
			class = "warn"
		}
		if r.Rate < 0.5 {
			class = "bad"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="%.1f" width="%.1f" height="%.0f"/>`, class, labelW, y+3, (w-labelW-70)*r.Rate, rowH-10)
		fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.1f">%s</text>`, w-64, y+18, esc(r.Note))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: every text above went through esc
}

func truncateLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string { return template.HTMLEscapeString(s) }
