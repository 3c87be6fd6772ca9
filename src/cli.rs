//! Command-line arguments, as typed. They are resolved once into a `Config`
//! (see `config.rs`); nothing else reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::finding::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "tonghop",
    version,
    about = "Tổng hợp báo cáo Excel của các xã, phường, thị trấn thành biểu tổng hợp của huyện \
             hoặc tỉnh, và kết quả của các huyện thành biểu của tỉnh (consolidate commune Excel \
             reports into district or province workbooks, and districts' outputs into their \
             province's)"
)]
pub struct Cli {
    /// Tệp cấu hình (mặc định: tonghop.toml trong thư mục hiện tại) / project config file
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ngôn ngữ thông báo / message language
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Lược đồ biểu mẫu (.toml), thay cho cấu hình / report schema, overrides the config
    #[arg(long, global = true, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Danh sách đơn vị (.csv), thay cho cấu hình / unit registry, overrides the config
    #[arg(long, global = true, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Kỳ báo cáo, ví dụ 2023 / reporting period, e.g. 2023
    #[arg(long, global = true)]
    pub period: Option<String>,
    /// Không hiện thanh tiến trình / no progress bar
    #[arg(long, global = true)]
    pub no_progress: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Kiểm tra các tệp báo cáo / check commune files against the schema
    Check(CheckArgs),
    /// Kiểm tra rồi tổng hợp thành biểu của huyện / check, then consolidate
    Build(BuildArgs),
    /// Tạo biểu mẫu trống hoặc cho từng đơn vị / write blank or per-unit templates
    Template(TemplateArgs),
    /// Lưu các bảng tính đính kèm trong thư vào thư mục inbox / save the spreadsheets attached to emails into the inbox
    Mail(MailArgs),
    /// Xem những gì đọc được từ một tệp, đã chuyển sang Unicode / show what was read from one file
    Show(ShowArgs),
    /// Tạo dự án cho một đơn vị tổng hợp từ danh mục đơn vị hành chính / make a project for a consolidating unit from the national list
    Init(InitArgs),
    /// Danh mục đơn vị hành chính / administrative unit lists
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Kiểm tra bảng tổng hợp có đúng với các tệp nguồn không / check that a consolidated workbook says what its sources say
    Verify(VerifyArgs),
    /// Lược đồ: viết nháp từ biểu mẫu Excel, kiểm tra một lược đồ / schema tools: draft one from a form, lint one
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Lịch sử các lần tổng hợp (lược đồ, kỳ, đơn vị, thời điểm, tệp); `history import THƯ-MỤC` nạp kết quả cũ / what the history holds; `history import DIR` loads earlier builds' data tables
    History(HistoryArgs),
    /// Internal: parse one file in a child process and answer on stdout.
    #[command(name = "__read", hide = true)]
    Read { path: PathBuf },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Tệp hoặc thư mục cần kiểm tra (mặc định: thư mục inbox của cấu hình) / files or folders
    pub paths: Vec<PathBuf>,
    /// Ghi tệp phản hồi cho từng đơn vị có lỗi vào thư mục này / write feedback workbooks here
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
    /// Chấp nhận báo cáo gửi từ địa chỉ thư này dù không có trong danh sách đơn vị (lặp lại được) / accept reports sent from this address although the registry does not list it (repeatable)
    #[arg(long = "accept-sender", value_name = "ADDRESS")]
    pub accept_sender: Vec<String>,
    /// Dạng báo cáo / report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Tệp cần xem / the file to show
    pub file: PathBuf,
    /// Dạng kết quả / output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Tệp hoặc thư mục đầu vào (mặc định: thư mục inbox của cấu hình) / files or folders
    pub paths: Vec<PathBuf>,
    /// So sánh với kỳ này trong lịch sử thay cho cùng kỳ năm trước / compare
    /// with this period of the history instead of the same period last year
    #[arg(long, value_name = "PERIOD")]
    pub compare_with: Option<String>,
    /// Thư mục kết quả / output folder
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Thư mục tệp phản hồi (mặc định: phan-hoi/ trong thư mục kết quả) / feedback folder
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
    /// Chấp nhận báo cáo gửi từ địa chỉ thư này dù không có trong danh sách đơn vị (lặp lại được) / accept reports sent from this address although the registry does not list it (repeatable)
    #[arg(long = "accept-sender", value_name = "ADDRESS")]
    pub accept_sender: Vec<String>,
    /// Dạng báo cáo / report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Một tệp cho mỗi đơn vị, đã ghi sẵn tên đơn vị và kỳ / one pre-filled file per unit
    #[arg(long)]
    pub per_unit: bool,
    /// Chỉ đơn vị có mã này / only the unit with this code
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// Thư mục ghi biểu mẫu (mặc định: thư mục kết quả/mau) / output folder
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MailArgs {
    /// Tệp .eml, .mbox hoặc thư mục chứa chúng / .eml files, mbox files or folders of them
    #[arg(required = true)]
    pub sources: Vec<PathBuf>,
    /// Thư mục lưu tệp (mặc định: inbox của cấu hình) / where to save (default: the configured inbox)
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Thư mục dự án (tạo mới nếu chưa có) / the project folder (created when missing)
    pub dir: PathBuf,
    /// Mã đơn vị tổng hợp: tỉnh (2 số) hoặc huyện (3 số, trước 01/7/2025) / code of the consolidating unit: province (2 digits) or district (3 digits, before 1 July 2025)
    #[arg(long, value_name = "CODE")]
    pub unit: String,
    /// Ngày của danh mục đơn vị (mặc định: hôm nay), ví dụ 2023-12-31 / date of the unit list (default: today)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Bảng tổng hợp cần kiểm tra (…-tong-hop.xlsx) / the consolidated workbook to check
    pub workbook: PathBuf,
    /// Thư mục chứa các tệp nguồn (mặc định: như trang “Nguồn” ghi) / the folder holding the source files (default: where the Nguồn sheet says)
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Chuyển tệp danh mục đơn vị hành chính của Tổng cục Thống kê (.xls) thành danh sách đơn vị (.csv) / turn the statistics office's export (.xls) into a registry CSV
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Tệp tải về từ trang danh mục hành chính / the file exported by the statistics office
    pub file: PathBuf,
    /// Tệp CSV ghi ra (mặc định: in ra màn hình) / the CSV to write (default: stdout)
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: Option<PathBuf>,
    /// Chỉ các xã của huyện hoặc tỉnh có mã này / only the communes of the district or province with this code
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Viết lược đồ nháp từ một biểu mẫu (trống hoặc đã điền) / write a draft schema from a blank or filled form
    Infer(InferArgs),
    /// Kiểm tra một lược đồ và cho biết tệp của xã phải trông thế nào / lint a schema and show what a commune file must look like
    Check(SchemaCheckArgs),
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// Tệp biểu mẫu (.xlsx, .xls, .ods …) / the form file
    pub form: PathBuf,
    /// Tệp lược đồ ghi ra (mặc định: in ra màn hình); không ghi đè / the schema to write (default: stdout); never overwritten
    #[arg(short, long, value_name = "SCHEMA.toml")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SchemaCheckArgs {
    /// Tệp lược đồ (.toml) / the schema file
    #[arg(value_name = "SCHEMA.toml")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Nạp bảng số liệu (…-du-lieu.parquet) của một thư mục kết quả cũ vào lịch sử / load the data tables of an earlier build's output folder into the history
    Import {
        /// Thư mục kết quả của lần tổng hợp trước / the earlier build's output folder
        dir: PathBuf,
    },
}
