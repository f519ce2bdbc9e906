package api

import (
	"net/http"

	"github.com/vanthu/vanthu/api/auth"

	"github.com/vanthu/vanthu/api/openapi"
)

// route is one endpoint: its OpenAPI description and its handler, registered together
// so that the document always lists exactly what is served.
type route struct {
	openapi.Operation
	handler http.HandlerFunc
}

// op is shorthand for an operation.
func op(method, path, tag, summary, body, response string) openapi.Operation {
	return openapi.Operation{Method: method, Path: path, Tag: tag, Summary: summary, Body: body, Response: response}
}

func created(o openapi.Operation) openapi.Operation    { o.Status = http.StatusCreated; return o }
func noContent(o openapi.Operation) openapi.Operation  { o.Status = http.StatusNoContent; return o }
func idempotent(o openapi.Operation) openapi.Operation { o.Idempotent = true; return o }
func public(o openapi.Operation) openapi.Operation     { o.Public = true; return o }
func query(o openapi.Operation, q ...string) openapi.Operation {
	o.Query = q
	return o
}

// step is a document transition: If-Match and Idempotency-Key.
func step(path, tag, summary, body string) openapi.Operation {
	o := op("POST", path, tag, summary, body, "Document")
	o.IfMatch, o.Idempotent = true, true
	return o
}

// routes are the endpoints of /api/v1 this package serves.
func (s *Server) routes() []route {
	const d = "/api/v1/documents/{id}"
	versions := op("POST", d+"/versions", "outgoing", "Thêm phiên bản dự thảo (PDF) / Add a draft version", "pdf", "FileUpload")
	versions.IfMatch, versions.Idempotent = true, true
	return []route{
		{public(op("GET", "/api/openapi.json", "meta", "Tài liệu OpenAPI / This document", "", "OpenAPIDocument")), s.openAPI},
		{public(op("POST", "/api/v1/verify", "signatures", "Kiểm tra chữ ký số của một tệp PDF / Verify a PDF's signatures", "pdf", "VerifyReport")), s.verifyPDF},

		{query(op("GET", "/api/v1/documents", "documents", "Danh sách văn bản / List documents", "", "DocumentPage"), "View", "State", "Year", "Cursor", "Limit"), s.listDocuments},
		{op("GET", d, "documents", "Xem văn bản / Get a document", "", "Document"), s.getDocument},
		{op("GET", d+"/files", "documents", "Các tệp của văn bản / A document's files", "", "[]File"), s.listFiles},
		{op("GET", d+"/files/{seq}", "documents", "Tải tệp / Download a file", "", "pdf"), s.downloadFile},
		{op("GET", d+"/history.pdf", "documents", "Lịch sử xử lý văn bản (PDF; tiếng Anh với ?lang=en hoặc Accept-Language: en) / The document's history as PDF (English with ?lang=en or Accept-Language: en)", "", "pdf"), s.historyPDF},
		{op("GET", d+"/assignments", "documents", "Phân công xử lý / Assignments", "", "[]Assignment"), s.listAssignments},
		{op("GET", d+"/deliveries", "outgoing", "Tình trạng gửi / Delivery status per recipient", "", "[]Delivery"), s.listDeliveries},
		{created(op("POST", d+"/copies", "documents", "Cấp bản sao / Issue a copy", "CopyInput", "Copy")), s.issueCopy},
		{step(d+"/file", "documents", "Lưu văn bản / File the document", ""), s.fileDocument()},

		{created(idempotent(op("POST", "/api/v1/incoming", "incoming", "Tiếp nhận văn bản đến (bản quét) / Receive a scanned document", "pdf+ReceiveInput", "Received"))), s.receiveScan},
		{step(d+"/register", "incoming", "Đăng ký văn bản đến / Register", ""), s.register()},
		{step(d+"/reject", "incoming", "Trả lại nơi gửi / Return to sender", "ReasonInput"), s.reject()},
		{step(d+"/present", "incoming", "Trình lãnh đạo / Present to the leader", ""), s.present()},
		{step(d+"/direct", "incoming", "Cho ý kiến chỉ đạo / Direct", "DirectInput"), s.direct()},
		{step(d+"/start", "incoming", "Bắt đầu xử lý / Start work", ""), s.start()},
		{step(d+"/complete", "incoming", "Hoàn thành xử lý / Complete", "ResultInput"), s.complete()},

		{created(idempotent(op("POST", "/api/v1/outgoing", "outgoing", "Tạo dự thảo văn bản đi (tải lên PDF hoặc soạn theo mẫu) / Create a draft (upload a PDF or write from a template)", "pdf+DraftInput|TemplateDraftInput", "Drafted"))), s.createDraft},
		{created(versions), s.addVersion},
		{step(d+"/submit", "outgoing", "Trình kiểm tra / Submit for review", "SubmitInput"), s.submit()},
		{step(d+"/review", "outgoing", "Kiểm tra nội dung, thể thức / Review", "ReviewInput"), s.review()},
		{step(d+"/signer", "outgoing", "Đổi người ký dự kiến / Name another leader to sign", "SignerInput"), s.changeSigner()},
		{step(d+"/approve", "outgoing", "Duyệt dự thảo / Approve", ""), s.approve()},
		{step(d+"/send-back", "outgoing", "Trả lại để sửa / Send back", "ReasonInput"), s.sendBack()},
		{step(d+"/sign", "outgoing", "Ký số (lãnh đạo) / Sign as leader", "PINInput"), s.sign()},
		{step(d+"/issue", "outgoing", "Cấp số, ký số và đóng dấu cơ quan / Number, sign and seal", "IssueInput"), s.issue()},
		{step(d+"/dispatch", "outgoing", "Phát hành / Dispatch", "DispatchInput"), s.dispatch()},
		{step(d+"/recall", "outgoing", "Thu hồi / Recall", "ReasonInput"), s.recall()},

		{op("GET", "/api/v1/assignments/{id}/notes", "assignments", "Ghi chú tiến độ / Notes", "", "[]AssignmentNote"), s.listNotes},
		{noContent(op("POST", "/api/v1/assignments/{id}/notes", "assignments", "Báo cáo tiến độ / Report progress", "ProgressInput", "")), s.reportProgress},
		{created(op("POST", "/api/v1/assignments/{id}/sub-assignments", "assignments", "Giao chuyên viên / Assign within the unit", "SubAssignInput", "Assignment")), s.subAssign},
		{created(op("POST", "/api/v1/assignments/{id}/extension-requests", "assignments", "Xin gia hạn / Request an extension", "ExtensionInput", "AssignmentNote")), s.requestExtension},
		{noContent(op("POST", "/api/v1/extension-requests/{id}/decision", "assignments", "Quyết định gia hạn / Decide an extension", "DecisionInput", "")), s.decideExtension},

		{query(op("GET", "/api/v1/records", "records", "Danh sách hồ sơ / List records", "", "[]Record"), "Year"), s.listRecords},
		{created(op("POST", "/api/v1/records", "records", "Mở hồ sơ / Open a record", "OpenRecordInput", "Record")), s.openRecord},
		{created(op("POST", "/api/v1/records/plan", "records", "Danh mục hồ sơ / Plan the year's records", "PlanInput", "[]Record")), s.planRecords},
		{op("GET", "/api/v1/records/{id}", "records", "Xem hồ sơ / Get a record", "", "Record"), s.getRecord},
		{noContent(op("POST", "/api/v1/records/{id}/documents", "records", "Đưa văn bản vào hồ sơ / File a document into a record", "FileIntoInput", "")), s.fileIntoRecord},
		{op("POST", "/api/v1/records/{id}/close", "records", "Kết thúc hồ sơ / Close a record", "CloseInput", "Record"), s.closeRecord()},
		{op("POST", "/api/v1/records/{id}/hand-over", "records", "Nộp lưu / Hand over to the archive", "", "Record"), s.handOver()},
		{op("PUT", "/api/v1/records/{id}/legal-hold", "records", "Phong tỏa / Legal hold", "HoldInput", "Record"), s.legalHold()},
		{op("PUT", "/api/v1/records/{id}/metadata", "records", "Cập nhật thông tin hồ sơ / Set a record's metadata", "RecordMetadataInput", "RecordWithMetadata"), s.setRecordMetadata},
		{op("GET", "/api/v1/records/{id}/imported-history", "records", "Nguồn gốc hồ sơ nhận về / Imported record's source and audit trail", "", "ImportedHistory"), s.importedHistory},
		{op("GET", "/api/v1/records/disposal-candidates", "records", "Hồ sơ hết thời hạn bảo quản / Records due for disposal", "", "[]Record"), s.disposalCandidates},
		{created(op("POST", "/api/v1/appraisals", "records", "Đề nghị hủy tài liệu hết giá trị / Propose records for destruction", "AppraisalInput", "Appraisal")), s.proposeDisposal},
		{op("GET", "/api/v1/appraisals/{id}", "records", "Xem đề nghị hủy / Get an appraisal", "", "Appraisal"), s.getAppraisal},
		{op("POST", "/api/v1/appraisals/{id}/decision", "records", "Quyết định hủy tài liệu / Decide on destruction", "AppraisalDecisionInput", "Appraisal"), s.decideDisposal},
		{op("POST", "/api/v1/appraisals/{id}/destroy", "records", "Hủy tài liệu, lập biên bản / Destroy and keep the destruction record", "", "Destruction"), s.destroy},
		{op("GET", "/api/v1/retention-rules", "records", "Bảng thời hạn bảo quản / Retention schedule", "", "[]RetentionRule"), s.retentionRules},
		{op("PUT", "/api/v1/retention-rules", "records", "Đặt thời hạn bảo quản / Set retention schedule lines", "RetentionRulesInput", "[]RetentionRule"), s.setRetentionRules},
		{created(idempotent(op("POST", d+"/certified-copies", "records", "Cấp bản sao y có ký số / Issue a signed certified copy", "PINInput", "CertifiedCopy"))), s.issueCertifiedCopy},
		{op("GET", "/api/v1/certified-copies/{id}/{digest}", "records", "Tải bản sao y / Download a certified copy", "", "pdf"), s.downloadCertifiedCopy},

		{query(op("GET", "/api/v1/search", "documents", "Tìm kiếm / Search", "", "[]Document"), "Q", "Limit"), s.search},
		{op("GET", "/api/v1/audit/verify", "audit", "Kiểm tra nhật ký / Verify the audit chain", "", "AuditReport"), s.verifyAudit},

		{op("GET", "/api/v1/agencies", "org", "Cây cơ quan / Agencies", "", "[]Agency"), s.listAgencies},
		{query(op("GET", "/api/v1/axis/agencies", "exchange", "Danh bạ trục liên thông / The exchange axis's directory", "", "AxisAgencyPage"), "DirectoryQ", "Cursor", "Limit"), s.listAxisAgencies},
		{created(op("POST", "/api/v1/agencies", "org", "Thêm cơ quan / Create an agency", "AgencyInput", "Agency")), s.createAgency},
		{op("GET", "/api/v1/agencies/{id}/units", "org", "Đơn vị / Units", "", "[]Unit"), s.listUnits},
		{created(op("POST", "/api/v1/agencies/{id}/units", "org", "Thêm đơn vị / Create a unit", "UnitInput", "Unit")), s.createUnit},
		{op("POST", "/api/v1/agencies/{id}/succession", "org", "Kế thừa cơ quan (sáp nhập, chia tách) / Agency succession", "SuccessionInput", "SuccessionReport"), s.succeed},
		{created(op("POST", "/api/v1/users", "org", "Thêm người dùng / Create a user", "UserInput", "User")), s.createUser},
		{noContent(op("POST", "/api/v1/grants", "org", "Giao vai trò / Grant a role", "GrantInput", "")), s.grant},
		{noContent(op("PUT", "/api/v1/calendar/{year}", "org", "Lịch nghỉ của năm / Set a year's calendar", "CalendarYear", "")), s.setCalendarYear},
		{created(op("POST", "/api/v1/delegations", "org", "Ủy quyền ký / Delegate signing", "DelegationInput", "Created")), s.delegate},
		{created(op("POST", "/api/v1/distribution-lists", "outgoing", "Lưu danh sách nơi nhận / Save a distribution list", "DistributionInput", "Created")), s.saveDistributionList},
	}
}

// scope is what an API token needs for an operation: reading or writing documents
// (incoming, outgoing, their handling) or the archive (records, audit), or "admin" to
// change the organisation.
func scope(o openapi.Operation) string {
	if o.Public {
		return auth.NeedPublic
	}
	level := ":write"
	if o.Method == http.MethodGet {
		level = ":read"
	}
	switch o.Tag {
	case "records", "audit":
		return "archive" + level
	case "org":
		if level == ":write" {
			return "admin"
		}
	}
	return "documents" + level
}

// operations are the OpenAPI descriptions of routes.
func operations(rs []route) []openapi.Operation {
	out := make([]openapi.Operation, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Operation)
	}
	return out
}
