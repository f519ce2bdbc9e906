package web

// The messages of users administration and bulk import, added to the catalogue here so
// that the pages' words live beside them.
func init() {
	for k, v := range usersMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var usersMessages = map[string][2]string{
	"nav.users": {"Người dùng", "Users"},

	"users.title": {"Quản lý người dùng", "Users"}, "user.title": {"Người dùng", "User"},
	"users.agency": {"Cơ quan", "Agency"}, "users.search": {"Tìm theo tên", "Search by name"},
	"users.searchhint": {"Tên đăng nhập hoặc họ tên", "Username or full name"}, "users.find": {"Tìm", "Find"},
	"users.count": {"người dùng", "users"}, "users.roles": {"Vai trò", "Roles"}, "users.email": {"Thư điện tử", "E-mail"},
	"users.status": {"Trạng thái", "Status"}, "users.disabled": {"Đã khóa", "Deactivated"},
	"users.mustchange": {"Chờ đổi mật khẩu tạm", "Must change the temporary password"}, "users.active": {"Đang hoạt động", "Active"},
	"users.next": {"Trang sau →", "Next page →"}, "users.none": {"Không có người dùng nào.", "No users."},
	"users.new": {"Thêm người dùng", "Add a user"}, "users.nounit": {"(Cả cơ quan)", "(Whole agency)"},
	"users.jobtitle": {"Chức vụ", "Job title"}, "users.create": {"Thêm và cấp mật khẩu tạm", "Add with a temporary password"},
	"users.temphint": {"Mật khẩu tạm chỉ hiển thị một lần. Hãy giao cho người dùng; họ phải đổi mật khẩu ở lần đăng nhập đầu tiên.",
		"The temporary password is shown only once. Hand it to the user; they must change it when they first sign in."},
	"users.details": {"Thông tin", "Details"}, "users.save": {"Lưu", "Save"},
	"users.reset":  {"Đặt lại mật khẩu (cấp mật khẩu tạm)", "Reset the password (temporary password)"},
	"users.enable": {"Mở khóa tài khoản", "Reactivate the account"}, "users.disable": {"Khóa tài khoản", "Deactivate the account"},
	"users.revoke": {"Thu hồi", "Revoke"}, "users.grant": {"Giao thêm vai trò", "Grant a role"}, "users.grantdo": {"Giao vai trò", "Grant"},

	"import.title": {"Nhập người dùng từ tệp", "Import users from a file"},
	"import.file":  {"Tệp CSV (UTF-8) hoặc Excel (.xlsx)", "CSV (UTF-8) or Excel (.xlsx) file"},
	"import.hint": {"Dòng đầu là tên cột: username, full_name, email, agency_code, unit, role, title (hoặc tên đăng nhập, họ và tên, thư điện tử, mã cơ quan, đơn vị, vai trò, chức vụ). Tối đa 5 MB và 10.000 dòng.",
		"The first row names the columns: username, full_name, email, agency_code, unit, role, title. At most 5 MB and 10,000 rows."},
	"import.preview": {"Kiểm tra trước khi nhập", "Preview"},
	"import.oncehint": {"Đã tạo người dùng. Mật khẩu tạm chỉ hiển thị một lần: hãy tải danh sách về và giao cho từng người; họ phải đổi mật khẩu ở lần đăng nhập đầu tiên.",
		"The users were created. Their temporary passwords are shown only once: download the list and hand them out; each must change it when they first sign in."},
	"import.download":     {"Tải danh sách mật khẩu tạm (CSV)", "Download the temporary passwords (CSV)"},
	"import.temppassword": {"Mật khẩu tạm", "Temporary password"},
	"import.bad":          {"Số dòng có lỗi:", "Rows with problems:"},
	"import.nothing":      {"Chưa nhập người dùng nào; hãy sửa tệp rồi tải lên lại.", "Nobody was imported; correct the file and upload it again."},
	"import.ok":           {"Tất cả các dòng hợp lệ. Số người dùng sẽ được tạo:", "Every row is valid. Users to create:"},
	"import.commit":       {"Nhập người dùng", "Import the users"},
	"import.line":         {"Dòng", "Line"}, "import.problems": {"Lỗi", "Problems"},

	"import.col.username": {"Tên đăng nhập", "Username"}, "import.col.full_name": {"Họ và tên", "Full name"},
	"import.col.email": {"Thư điện tử", "E-mail"}, "import.col.agency_code": {"Mã cơ quan", "Agency code"},
	"import.col.unit": {"Đơn vị", "Unit"}, "import.col.role": {"Vai trò", "Role"},

	"import.err.missing":           {"chưa có", "missing"},
	"import.err.bad_username":      {"chỉ gồm 2–64 chữ thường không dấu, số, dấu . _ -", "must be 2–64 lower-case letters, digits, . _ -"},
	"import.err.bad_email":         {"không phải địa chỉ thư điện tử", "not an e-mail address"},
	"import.err.unknown_agency":    {"không có cơ quan mang mã này", "no agency has this code"},
	"import.err.not_your_agency":   {"cơ quan không thuộc quyền quản trị của bạn", "not an agency you administer"},
	"import.err.unknown_unit":      {"cơ quan không có đơn vị này", "the agency has no such unit"},
	"import.err.unknown_role":      {"vai trò không hợp lệ", "unknown role"},
	"import.err.unit_needed":       {"trưởng phòng cần có đơn vị", "a head of unit needs a unit"},
	"import.err.duplicate_in_file": {"trùng với một dòng trước trong tệp", "repeats an earlier row of the file"},
	"import.err.username_taken":    {"đã có người dùng mang tên này", "a user already has this username"},
	"import.err.too_large":         {"Tệp quá lớn: tối đa 5 MB.", "The file is too large: at most 5 MB."},
	"import.err.too_many_rows":     {"Tệp có quá nhiều dòng: tối đa 10.000 người dùng mỗi lần.", "Too many rows: at most 10,000 users at a time."},
	"import.err.no_rows":           {"Tệp không có dòng người dùng nào.", "The file has no user rows."},
	"import.err.missing_column":    {"Tệp thiếu cột bắt buộc:", "A required column is missing:"},
	"import.err.not_utf8":          {"Tệp CSV không ở bảng mã UTF-8; hãy lưu lại dưới dạng “CSV UTF-8”.", "The CSV file is not UTF-8; save it as “CSV UTF-8”."},
	"import.err.unreadable":        {"Không đọc được tệp:", "The file cannot be read:"},
	"import.err.nofile":            {"Hãy chọn tệp CSV hoặc Excel.", "Choose a CSV or Excel file."},

	"password.title":      {"Đổi mật khẩu", "Change password"},
	"password.mustchange": {"Bạn đang dùng mật khẩu tạm. Hãy đặt mật khẩu của riêng mình trước khi làm việc.", "You signed in with a temporary password. Choose your own before you go on."},
	"password.current":    {"Mật khẩu hiện tại", "Current password"}, "password.new": {"Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"},
	"password.confirm": {"Nhập lại mật khẩu mới", "New password again"}, "password.submit": {"Đổi mật khẩu", "Change password"},
	"err.pwconfirm": {"Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."},
	"err.pwsame":    {"Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one."},
	"err.pwcurrent": {"Mật khẩu hiện tại không đúng.", "The current password is wrong."},

	"done.user_created": {"Đã thêm người dùng.", "User added."}, "done.user_reset": {"Đã đặt lại mật khẩu; các phiên đăng nhập của người dùng đã kết thúc.", "Password reset; the user's sessions were ended."},
	"done.user_update":  {"Đã lưu thông tin người dùng.", "User saved."},
	"done.user_disable": {"Đã khóa tài khoản; các phiên đăng nhập đã kết thúc.", "Account deactivated; its sessions were ended."},
	"done.user_enable":  {"Đã mở khóa tài khoản.", "Account reactivated."}, "done.user_grant": {"Đã giao vai trò.", "Role granted."},
	"done.user_revoke": {"Đã thu hồi vai trò.", "Role revoked."}, "done.password": {"Đã đổi mật khẩu.", "Password changed."},
	"done.imported": {"Đã nhập {n} người dùng.", "{n} users imported."},

	"field.username": {"Tên đăng nhập", "Username"}, "field.full_name": {"Họ và tên", "Full name"},
	"field.email": {"Thư điện tử", "E-mail"}, "field.role": {"Vai trò", "Role"}, "field.unit_id": {"Đơn vị", "Unit"},
	"field.password": {"Mật khẩu", "Password"}, "field.rows": {"Tệp", "File"}, "field.agency_id": {"Cơ quan", "Agency"},
}
