package web_test

import (
	"github.com/chromedp/chromedp"
)

// draftFromTemplate is the specialist writing a Công văn of the Nội chính unit from its
// Decree 30 template: the parts filled in, the draft previewed under the form, then created.
func (b *browser) draftFromTemplate(subject string) {
	b.t.Helper()
	b.run("template form", b.open("/outgoing/new"), b.submit("#mode-template"),
		chromedp.WaitVisible(chromedp.ID("template-form")),
		chromedp.SetValue(chromedp.ID("type"), ""),
		chromedp.SendKeys(chromedp.ID("subject"), subject),
		evaluate(`(s => { s.value = [...s.options].find(o => o.textContent.includes("Nội chính")).value })(document.getElementById("unit"))`),
		chromedp.SetValue(chromedp.ID("addressees"), "Bộ Nội vụ"),
		chromedp.SetValue(chromedp.ID("body"), "Thực hiện Công văn số 1250/BNV-CCVC của Bộ Nội vụ,\nỦy ban nhân dân tỉnh báo cáo như sau."),
		chromedp.SetValue(chromedp.ID("recipients"), "Như trên\nLưu: VT, NC"))
	b.expectValue("place prefilled", "#place", "Hòa Bình")
	b.screenshot("specialist-template-form")
	b.run("template preview", b.submit("#do-preview-draft"))
	b.waitPreview("template preview")
	b.expectText("preview under the form", "#template-preview", "số và ngày để trống")
	b.run("preview in view", chromedp.ScrollIntoView(chromedp.ID("template-preview")))
	b.screenshot("specialist-template-preview")
	b.run("create draft from template", b.submit("#do-draft"))
}
