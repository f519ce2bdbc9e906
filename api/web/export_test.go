package web

// UnzipTo is unzipTo for the browser walks (package web_test), which check downloaded bags.
var UnzipTo = unzipTo
