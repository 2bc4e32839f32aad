<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BatchExportDialog</name>
    <message>
        <source>Export visit reports</source>
        <translation>导出拜访报告</translation>
    </message>
    <message>
        <source>The reports of the visits recorded (drafts and finalized records) in a day or a period, for the credit files.</source>
        <translation>某一天或一段期间内已记录拜访（草稿和已定稿记录）的报告，用于归入授信档案。</translation>
    </message>
    <message>
        <source>Visits of</source>
        <translation>拜访日期</translation>
    </message>
    <message>
        <source>Every relationship manager</source>
        <translation>全部客户经理</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>One PDF file with every report</source>
        <translation>所有报告合并为一个 PDF 文件</translation>
    </message>
    <message>
        <source>One PDF file per visit, into a folder</source>
        <translation>每次拜访一个 PDF 文件，存入文件夹</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>保存方式</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Show ID and phone numbers in full</source>
        <translation>完整显示身份证号和电话号码</translation>
    </message>
    <message>
        <source>Off: they are partly hidden (138****8000). On: printed in full, and the book records that you asked for it, when, and for which report.</source>
        <translation>不勾选：号码部分隐藏（138****8000）。勾选：完整打印，系统将记录由谁、在何时、为哪份报告要求显示。</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Folder for the reports</source>
        <translation>报告保存文件夹</translation>
    </message>
    <message>
        <source>Save the reports as</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Visits recorded in this period: {count}</source>
        <translation>此期间的拜访记录：{count} 次</translation>
    </message>
    <message>
        <source>No visit was recorded in this period.</source>
        <translation>此期间没有拜访记录。</translation>
    </message>
    <message>
        <source>Choose where to save the reports.</source>
        <translation>请选择报告的保存位置。</translation>
    </message>
    <message>
        <source>Making the reports…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>Nothing was written.</source>
        <translation>未写入任何文件。</translation>
    </message>
    <message>
        <source>Saving the files ({count})…</source>
        <translation>正在保存文件（{count} 个）…</translation>
    </message>
    <message>
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
    <message>
        <source>Wrote {count} reports into {folder}</source>
        <translation>已将 {count} 份报告写入 {folder}</translation>
    </message>
    <message>
        <source>Cancelled: no file was written.</source>
        <translation>已取消：未写入任何文件。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Putting the {count} reports into one PDF…</source>
        <translation>正在将 {count} 份报告合成一个 PDF…</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Making report {done} of {total}…</source>
        <translation>正在生成第 {done} 份报告，共 {total} 份…</translation>
    </message>
    <message>
        <source>{name} already exists. Replace it?</source>
        <translation>{name} 已存在。是否替换？</translation>
    </message>
    <message>
        <source>{count} of these reports are already in {folder}. Replace them?</source>
        <translation>其中 {count} 份报告已在 {folder} 中。是否替换？</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>Last week</source>
        <translation>上周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>本年</translation>
    </message>
    <message>
        <source>Other days</source>
        <translation>自定日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
</context>
<context>
    <name>PipelineReportDialog</name>
    <message>
        <source>Pipeline report</source>
        <translation>管道报告</translation>
    </message>
    <message>
        <source>Report on</source>
        <translation>报告范围</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Make report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>The whole book</source>
        <translation>全部客户</translation>
    </message>
    <message>
        <source>Team: {name}</source>
        <translation>团队：{name}</translation>
    </message>
    <message>
        <source>Relationship manager: {name}</source>
        <translation>客户经理：{name}</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>The report could not be made.</source>
        <translation>无法生成报告。</translation>
    </message>
</context>
<context>
    <name>ReportFiles</name>
    <message>
        <source>{path} is a folder, not a file.</source>
        <translation>{path} 是文件夹，不是文件。</translation>
    </message>
    <message>
        <source>You may not write to {path}: permission denied. Choose another place.</source>
        <translation>无权写入 {path}：权限被拒绝。请选择其他位置。</translation>
    </message>
    <message>
        <source>The folder of {path} does not exist.</source>
        <translation>{path} 所在的文件夹不存在。</translation>
    </message>
    <message>
        <source>The disk is full: {path} could not be written. Nothing was saved.</source>
        <translation>磁盘已满：无法写入 {path}，未保存任何内容。</translation>
    </message>
    <message>
        <source>{path} is on a disk that cannot be written to (read-only).</source>
        <translation>{path} 所在的磁盘不可写入（只读）。</translation>
    </message>
    <message>
        <source>{path} could not be written: {problem}</source>
        <translation>无法写入 {path}：{problem}</translation>
    </message>
    <message>
        <source>Choose a file name for the report.</source>
        <translation>请为报告选择文件名。</translation>
    </message>
    <message>
        <source>{path} is a file, not a folder.</source>
        <translation>{path} 是文件，不是文件夹。</translation>
    </message>
    <message>
        <source>The folder {path} does not exist.</source>
        <translation>文件夹 {path} 不存在。</translation>
    </message>
</context>
<context>
    <name>ReportMenu</name>
    <message>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export visit reports…</source>
        <translation>导出拜访报告(&amp;E)…</translation>
    </message>
    <message>
        <source>The reports of the visits of a day or a period, in one PDF or one PDF per visit</source>
        <translation>某一天或一段期间内的拜访报告，合并为一个 PDF 或每次拜访一个 PDF</translation>
    </message>
    <message>
        <source>&amp;Pipeline report…</source>
        <translation>管道报告(&amp;P)…</translation>
    </message>
    <message>
        <source>The pipeline of the book, a team or an RM over a period</source>
        <translation>全部客户、某个团队或某位客户经理在一段期间内的管道情况</translation>
    </message>
    <message>
        <source>This visit is only planned: record it first, then print its report.</source>
        <translation>这次拜访仅在计划中：请先记录拜访，再打印报告。</translation>
    </message>
    <message>
        <source>Visit report — {name}, {day}</source>
        <translation>拜访报告 — {name}，{day}</translation>
    </message>
    <message>
        <source>Print report…</source>
        <translation>打印报告…</translation>
    </message>
    <message>
        <source>Preview the visit report, then print it or save it as PDF</source>
        <translation>预览拜访报告，然后打印或保存为 PDF</translation>
    </message>
    <message>
        <source>Nothing is recorded yet: enter the visit first, then print its report.</source>
        <translation>尚未记录任何内容：请先填写拜访记录，再打印报告。</translation>
    </message>
    <message>
        <source>Print visit report…</source>
        <translation>打印拜访报告…</translation>
    </message>
</context>
<context>
    <name>ReportPreview</name>
    <message>
        <source>Show ID and phone numbers in full</source>
        <translation>完整显示身份证号和电话号码</translation>
    </message>
    <message>
        <source>Off: they are partly hidden (138****8000). On: printed in full, and the book records that you asked for it, when, and for which report.</source>
        <translation>不勾选：号码部分隐藏（138****8000）。勾选：完整打印，系统将记录由谁、在何时、为哪份报告要求显示。</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>The report could not be made.</source>
        <translation>无法生成报告。</translation>
    </message>
</context>
<context>
    <name>ReportViewer</name>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页码</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>整页</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Print the report (Ctrl+P)</source>
        <translation>打印报告（Ctrl+P）</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>保存为 PDF…</translation>
    </message>
    <message>
        <source>Save the report as a PDF file (Ctrl+S)</source>
        <translation>将报告保存为 PDF 文件（Ctrl+S）</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>The report could not be shown.</source>
        <translation>无法显示报告。</translation>
    </message>
    <message>
        <source>of {count}</source>
        <translation>/ 共 {count} 页</translation>
    </message>
    <message>
        <source>Print the report</source>
        <translation>打印报告</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Printing page {done} of {total}…</source>
        <translation>正在打印第 {done} 页，共 {total} 页…</translation>
    </message>
    <message numerus="yes">
        <source>Sent %n page(s) to the printer.</source>
        <translation>
            <numerusform>已向打印机发送 %n 页。</numerusform>
        </translation>
    </message>
    <message>
        <source>The report could not be printed: the printer could not be started. Check that it is switched on and connected, then try again.</source>
        <translation>无法打印报告：打印机未能启动。请检查打印机已开机并已连接，然后重试。</translation>
    </message>
    <message>
        <source>Save the report as PDF</source>
        <translation>将报告保存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved as {path}</source>
        <translation>已保存为 {path}</translation>
    </message>
</context>
</TS>
