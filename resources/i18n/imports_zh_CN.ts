<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ColumnsPage</name>
    <message>
        <source>Check the columns</source>
        <translation>核对各列</translation>
    </message>
    <message>
        <source>Each column of the file and what it is imported into. Correct any that are wrong; a column set to “(not imported)” is left out.</source>
        <translation>文件中的每一列及其导入到的字段。如有不对请更正；设为“（不导入）”的列将被忽略。</translation>
    </message>
    <message>
        <source>Column names are in row:</source>
        <translation>列名所在行：</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Imported into</source>
        <translation>导入到</translation>
    </message>
    <message>
        <source>Save these columns for this list as:</source>
        <translation>将这些列保存为此清单的格式：</translation>
    </message>
    <message>
        <source>e.g. 园区名单格式</source>
        <translation>例如：园区名单格式</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>(column {n})</source>
        <translation>（第 {n} 列）</translation>
    </message>
    <message>
        <source>Choose the column with the enterprise name or its USCC to go on.</source>
        <translation>请指定企业名称列或统一社会信用代码列，才能继续。</translation>
    </message>
    <message>
        <source>No column holds the name: rows of enterprises not yet in the book will be rejected.</source>
        <translation>没有名称列：储备库中尚无的企业所在行将被拒绝。</translation>
    </message>
    <message>
        <source>Saved as “{name}”.</source>
        <translation>已保存为“{name}”。</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Possible duplicates from imports</source>
        <translation>导入产生的疑似重复</translation>
    </message>
    <message>
        <source>Rows of lists without a USCC whose name and district match a prospect already in the book. Confirm merges the imported record into the known one; Keep apart leaves both.</source>
        <translation>清单中没有统一社会信用代码、但名称和区县与储备库中已有客户相同的行。“确认”会把导入的记录合并到已有客户；“分开”则两条都保留。</translation>
    </message>
    <message>
        <source>Imported record</source>
        <translation>导入的记录</translation>
    </message>
    <message>
        <source>Looks like</source>
        <translation>疑似重复于</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>No possible duplicates to check</source>
        <translation>没有需要核对的疑似重复</translation>
    </message>
    <message>
        <source>When a list without USCCs is imported, its rows whose name and district match a prospect already in the book wait here for you to merge or keep apart.</source>
        <translation>导入没有统一社会信用代码的清单时，名称和区县与库中已有客户相同的行会在这里等您确认合并或分开保留。</translation>
    </message>
    <message>
        <source>Confirm: the same enterprise</source>
        <translation>确认：是同一企业</translation>
    </message>
    <message>
        <source>Keep apart: different enterprises</source>
        <translation>分开：不是同一企业</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose the list to import</source>
        <translation>选择要导入的清单</translation>
    </message>
    <message>
        <source>Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files are read; the row with the column names is found even below titles and notes.</source>
        <translation>可读取 Excel（.xlsx、.xls）、OpenDocument（.ods）和 CSV 文件；即使列名行位于标题和说明之下也能找到。</translation>
    </message>
    <message>
        <source>A list file from a government or bank system</source>
        <translation>从政府或银行系统导出的清单文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Source list:</source>
        <translation>来源清单：</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>Text encoding:</source>
        <translation>文本编码：</translation>
    </message>
    <message>
        <source>Saved columns:</source>
        <translation>已保存的列格式：</translation>
    </message>
    <message>
        <source>Choose a list</source>
        <translation>选择清单文件</translation>
    </message>
    <message>
        <source>Lists ({patterns});;All files (*)</source>
        <translation>清单文件 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <source>(found from the headers)</source>
        <translation>（按表头自动识别）</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <source>sheet {sheet}</source>
        <translation>工作表 {sheet}</translation>
    </message>
    <message>
        <source>{kind}: column names in row {row}; {known} of {count} columns recognised.</source>
        <translation>{kind}：列名在第 {row} 行；{count} 列中识别出 {known} 列。</translation>
    </message>
</context>
<context>
    <name>ImportLabels</name>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Enterprise name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <source>USCC (unified social credit code)</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Legal representative / owner</source>
        <translation>法定代表人/经营者</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>District</source>
        <translation>所属区县</translation>
    </message>
    <message>
        <source>Street / town</source>
        <translation>街道/镇</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>所属行业</translation>
    </message>
    <message>
        <source>Date of establishment</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <source>Kind (enterprise or individual business)</source>
        <translation>主体类型（企业或个体工商户）</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>The list&apos;s own number</source>
        <translation>清单内编号</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Merged into a known prospect</source>
        <translation>合并到已有客户</translation>
    </message>
    <message>
        <source>Possible duplicate</source>
        <translation>疑似重复</translation>
    </message>
    <message>
        <source>Already known, nothing new</source>
        <translation>已有，无新信息</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation>Excel 工作簿（.xlsx）</translation>
    </message>
    <message>
        <source>Excel 97-2003 workbook (.xls)</source>
        <translation>Excel 97-2003 工作簿（.xls）</translation>
    </message>
    <message>
        <source>OpenDocument spreadsheet (.ods)</source>
        <translation>OpenDocument 电子表格（.ods）</translation>
    </message>
    <message>
        <source>Text file (CSV)</source>
        <translation>文本文件（CSV）</translation>
    </message>
    <message>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8（带 BOM）</translation>
    </message>
    <message>
        <source>Unicode (UTF-16)</source>
        <translation>Unicode（UTF-16）</translation>
    </message>
</context>
<context>
    <name>ImportMenu</name>
    <message>
        <source>&amp;Import list…</source>
        <translation>导入清单(&amp;I)…</translation>
    </message>
    <message>
        <source>Import a prospect list from an Excel, ODS or CSV file</source>
        <translation>从 Excel、ODS 或 CSV 文件导入储备客户清单</translation>
    </message>
    <message>
        <source>Possible &amp;duplicates…</source>
        <translation>疑似重复(&amp;D)…</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>The list is imported in one step: cancelling changes nothing.</source>
        <translation>清单一次性导入：中途取消不会做任何更改。</translation>
    </message>
    <message>
        <source>Save rejected rows…</source>
        <translation>保存被拒绝的行…</translation>
    </message>
    <message>
        <source>The rejected rows as they were, with a column saying what is wrong: correct them and import the file again.</source>
        <translation>按原样保存被拒绝的行，并加一列说明错误原因：改正后可再次导入。</translation>
    </message>
    <message>
        <source>Undo this import</source>
        <translation>撤销本次导入</translation>
    </message>
    <message>
        <source>Check possible duplicates…</source>
        <translation>核对疑似重复…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>New prospects in your book: {created}. Known prospects completed or added to this list: {merged}. Possible duplicates marked for you to check: {flagged}.</source>
        <translation>新增储备客户：{created} 户。已有客户补充信息或加入本清单：{merged} 户。标记为疑似重复待您核对：{flagged} 户。</translation>
    </message>
    <message>
        <source>{name}-rejected</source>
        <translation>{name}-被拒绝的行</translation>
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation>保存被拒绝的行</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>%n rejected row(s) saved to {path}.</source>
        <translation>
            <numerusform>已将 %n 条被拒绝的行保存到 {path}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete the {created} prospects this import created and take back what it added to known ones?</source>
        <translation>删除本次导入新建的 {created} 户储备客户，并撤回对已有客户所做的补充吗？</translation>
    </message>
    <message>
        <source>The import was undone.</source>
        <translation>已撤销本次导入。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import a list</source>
        <translation>导入清单</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>What importing this file would do. Nothing has been written yet.</source>
        <translation>导入此文件将会产生的结果。目前尚未写入任何数据。</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) in the file were checked.</source>
        <translation>
            <numerusform>已检查文件中的 %Ln 行。</numerusform>
        </translation>
    </message>
    <message>
        <source>This file was imported before, on {when}; rows already in the book are left as they are.</source>
        <translation>此文件已于 {when} 导入过；储备库中已有的记录将保持不变。</translation>
    </message>
    <message>
        <source>Possible duplicates are imported and marked for you to confirm or keep apart later.</source>
        <translation>疑似重复的记录也会导入，并标记出来，供您稍后确认合并或分开保留。</translation>
    </message>
    <message>
        <source>looks like {names}</source>
        <translation>疑似与 {names} 重复</translation>
    </message>
    <message>
        <source>the same enterprise as row {row}</source>
        <translation>与第 {row} 行为同一企业</translation>
    </message>
    <message>
        <source>fills {fields}</source>
        <translation>补充：{fields}</translation>
    </message>
</context>
<context>
    <name>_RunPage</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Blank or total rows skipped</source>
        <translation>跳过的空行或合计行</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{rows} rows read</source>
        <translation>已读取 {rows} 行</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>已取消：未做任何更改。</translation>
    </message>
</context>
</TS>
