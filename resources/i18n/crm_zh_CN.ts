<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppStatusBar</name>
    <message>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <source>Database: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <source>Signed in on this computer</source>
        <translation>本机当前登录用户</translation>
    </message>
    <message>
        <source>Not connected to head office</source>
        <translation>未连接总行</translation>
    </message>
    <message>
        <source>Sync with head office is not set up yet: your changes are kept on this computer and queued for head office.</source>
        <translation>尚未设置与总行的同步：您的修改保存在本机，并排队等待发送至总行。</translation>
    </message>
    <message>
        <source>Last sync: never</source>
        <translation>上次同步：从未</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>(Nobody: unassign)</source>
        <translation>（无人：取消分配）</translation>
    </message>
    <message>
        <source>Assign to an RM</source>
        <translation>分配给客户经理</translation>
    </message>
    <message numerus="yes">
        <source>Give the %Ln selected prospect(s) to:</source>
        <translation>
            <numerusform>将选中的 %Ln 户分配给：</numerusform>
        </translation>
    </message>
    <message>
        <source>RM:</source>
        <translation>客户经理：</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>分配</translation>
    </message>
</context>
<context>
    <name>BulkResultDialog</name>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Why it was refused</source>
        <translation>未通过原因</translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <source>Calendar</source>
        <translation>日历</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <source>no reason given</source>
        <translation>未注明原因</translation>
    </message>
    <message>
        <source>{reason} · revisit {day}</source>
        <translation>{reason} · {day} 回访</translation>
    </message>
    <message>
        <source>Stalled</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>never contacted</source>
        <translation>从未联系</translation>
    </message>
    <message>
        <source>last contact {day}</source>
        <translation>最近联系 {day}</translation>
    </message>
    <message>
        <source>{days} in stage</source>
        <translation>本阶段 {days}</translation>
    </message>
</context>
<context>
    <name>CardModel</name>
    <message>
        <source>Dropped: {reason}</source>
        <translation>退出原因：{reason}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未注明原因</translation>
    </message>
    <message>
        <source>Revisit on {day}</source>
        <translation>{day} 回访</translation>
    </message>
    <message>
        <source>Stalled: no stage change and no contact for {days} days or more</source>
        <translation>停滞：已连续 {days} 天及以上无阶段变化且无联系</translation>
    </message>
    <message>
        <source>Financial-literacy checklist: {done} of {total} items</source>
        <translation>金融知识辅导清单：已完成 {done}/{total} 项</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>FirstLoan CRM</source>
        <translation>首贷通</translation>
    </message>
    <message>
        <source>Something went wrong inside FirstLoan CRM. Your saved data is safe; the last action may not have completed.</source>
        <translation>首贷通内部出现错误。已保存的数据是安全的；最后一步操作可能未完成。</translation>
    </message>
    <message>
        <source>Details were written to {path}. Please send this file to IT support.</source>
        <translation>详细信息已写入 {path}，请将此文件发送给科技支持人员。</translation>
    </message>
    <message>
        <source>Save crash report…</source>
        <translation>保存故障报告…</translation>
    </message>
    <message>
        <source>Save crash report</source>
        <translation>保存故障报告</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>The report could not be saved: {reason}</source>
        <translation>报告未能保存：{reason}</translation>
    </message>
    <message>
        <source>The crash report was saved as {path}. Please send it to IT support; it holds no customer data.</source>
        <translation>故障报告已保存为 {path}。请将其发送给科技支持人员；报告中不含客户数据。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search name, pinyin initials, USCC, phone…</source>
        <translation>搜索名称、拼音首字母、信用代码、电话…</translation>
    </message>
    <message>
        <source>Search (Ctrl+F): a part of the name in Chinese, the pinyin initials (sztx), a USCC or a phone number</source>
        <translation>搜索（Ctrl+F）：名称中的任意几个字、拼音首字母（如 sztx）、统一社会信用代码或电话号码</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源清单</translation>
    </message>
    <message>
        <source>RM</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>(Unassigned)</source>
        <translation>（未分配）</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Any contact</source>
        <translation>不限联系</translation>
    </message>
    <message>
        <source>No contact ≥ </source>
        <translation>未联系 ≥ </translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Only prospects nobody has contacted for at least this many days (0: any)</source>
        <translation>只显示至少这么多天无人联系的客户（0 表示不限）</translation>
    </message>
    <message>
        <source>Clear all filters</source>
        <translation>清除全部筛选</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>today {time}</source>
        <translation>今天 {time}</translation>
    </message>
    <message>
        <source>yesterday {time}</source>
        <translation>昨天 {time}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln day(s)</source>
        <translation>
            <numerusform>%Ln 天</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IndustryCombo</name>
    <message>
        <source>Type a name or a code, e.g. 五金 or 33</source>
        <translation>输入名称或代码，如“五金”或 33</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Individual business</source>
        <translation>个体工商户</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>Relationship manager</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Team lead</source>
        <translation>团队负责人</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>The prospect is already at this stage.</source>
        <translation>该客户已处于此阶段。</translation>
    </message>
    <message>
        <source>Stages cannot be skipped: a prospect becomes a first-loan customer before it can become a strategic client.</source>
        <translation>阶段不能跳过：须先成为首贷户，才能成为战略客户。</translation>
    </message>
    <message>
        <source>Record the first loan before moving the prospect to first-loan customer.</source>
        <translation>请先登记首笔贷款，再将客户转为首贷户。</translation>
    </message>
    <message>
        <source>Head office&apos;s criteria for strategic clients are not met yet.</source>
        <translation>尚未达到总行规定的战略客户标准。</translation>
    </message>
    <message>
        <source>This move must be explained: write the reason.</source>
        <translation>此次变更须说明理由：请填写原因。</translation>
    </message>
    <message>
        <source>Choose why the prospect leaves the pipeline.</source>
        <translation>请选择客户退出的原因。</translation>
    </message>
    <message>
        <source>Same stage</source>
        <translation>阶段相同</translation>
    </message>
    <message>
        <source>Stage order</source>
        <translation>阶段顺序</translation>
    </message>
    <message>
        <source>Loan required</source>
        <translation>需有贷款</translation>
    </message>
    <message>
        <source>Strategic-client criteria</source>
        <translation>战略客户标准</translation>
    </message>
    <message>
        <source>Reason required</source>
        <translation>须填写原因</translation>
    </message>
    <message>
        <source>Drop reason required</source>
        <translation>须选择退出原因</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>The database was upgraded; the previous version was kept as {path}</source>
        <translation>数据库已升级；升级前的版本已保存为 {path}</translation>
    </message>
    <message>
        <source>There is no database at {path}.

Create a new, empty book there?</source>
        <translation>{path} 处没有数据库。

要在此新建一个空的客户库吗？</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{page} (Ctrl+{number})</source>
        <translation>{page}（Ctrl+{number}）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New prospect…</source>
        <translation>新建客户(&amp;N)…</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
        <source>Send your changes to head office and get theirs</source>
        <translation>把您的修改发送到总行，并接收总行的更新</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About FirstLoan CRM</source>
        <translation>关于首贷通(&amp;A)</translation>
    </message>
    <message>
        <source>The new language applies after you restart FirstLoan CRM.</source>
        <translation>新的界面语言将在重新启动首贷通后生效。</translation>
    </message>
    <message>
        <source>About FirstLoan CRM</source>
        <translation>关于首贷通</translation>
    </message>
    <message>
        <source>&lt;b&gt;FirstLoan CRM&lt;/b&gt; (首贷通) {version}&lt;br&gt;Cultivating small businesses from no-loan prospect to first-loan customer to strategic client.</source>
        <translation>&lt;b&gt;首贷通&lt;/b&gt;（FirstLoan CRM）{version}&lt;br&gt;递进式培育小微企业：从无贷户到首贷户，再到战略客户。</translation>
    </message>
</context>
<context>
    <name>MultiSelectButton</name>
    <message>
        <source>{title}: {count} selected</source>
        <translation>{title}：已选 {count} 项</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>Prospects</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>培育看板</translation>
    </message>
</context>
<context>
    <name>NewProspectDialog</name>
    <message>
        <source>New prospect</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Create the prospect (Ctrl+S)</source>
        <translation>创建客户（Ctrl+S）</translation>
    </message>
    <message>
        <source>Discard the new prospect?</source>
        <translation>放弃新建的客户？</translation>
    </message>
    <message>
        <source>What you typed for this new prospect will be lost.</source>
        <translation>为新客户填写的内容将会丢失。</translation>
    </message>
</context>
<context>
    <name>PipelinePage</name>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Stalled first</source>
        <translation>停滞优先</translation>
    </message>
    <message>
        <source>Longest in stage</source>
        <translation>在本阶段最久优先</translation>
    </message>
    <message>
        <source>Recently moved</source>
        <translation>最近变动优先</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>The order of the cards in every column</source>
        <translation>各列卡片的排列顺序</translation>
    </message>
    <message numerus="yes">
        <source>%Ln prospect(s)</source>
        <translation>
            <numerusform>共 %Ln 户</numerusform>
        </translation>
    </message>
    <message>
        <source>Stalled: no stage change and no contact for {days} days</source>
        <translation>停滞：连续 {days} 天无阶段变化且无联系</translation>
    </message>
    <message>
        <source>Drag a card to another column to move it; double-click to open. Right-click for more.</source>
        <translation>将卡片拖到其他列即可变更阶段；双击打开；右键查看更多操作。</translation>
    </message>
</context>
<context>
    <name>ProductsPage</name>
    <message>
        <source>Products</source>
        <translation>产品</translation>
    </message>
</context>
<context>
    <name>ProspectDetailView</name>
    <message>
        <source>Already in your book</source>
        <translation>客户已存在</translation>
    </message>
    <message>
        <source>Open the existing prospect instead?</source>
        <translation>是否改为打开已有的客户？</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the changes (Ctrl+S)</source>
        <translation>保存修改（Ctrl+S）</translation>
    </message>
    <message>
        <source>Back to the list</source>
        <translation>返回列表</translation>
    </message>
    <message>
        <source>Back to the list (Alt+Left)</source>
        <translation>返回列表（Alt+←）</translation>
    </message>
    <message>
        <source>Change stage…</source>
        <translation>变更阶段…</translation>
    </message>
    <message>
        <source>Move this prospect to another stage</source>
        <translation>将该客户转到其他阶段</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Throw away the unsaved changes</source>
        <translation>放弃尚未保存的修改</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概况</translation>
    </message>
    <message>
        <source>Stage history</source>
        <translation>阶段变更记录</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This prospect could not be opened</source>
        <translation>无法打开该客户</translation>
    </message>
    <message>
        <source>RM: {name}</source>
        <translation>客户经理：{name}</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>{days} in this stage</source>
        <translation>处于本阶段 {days}</translation>
    </message>
    <message>
        <source>Last contact: {day}</source>
        <translation>最近联系：{day}</translation>
    </message>
    <message>
        <source>Never contacted</source>
        <translation>从未联系</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <source>In the book since</source>
        <translation>入库时间</translation>
    </message>
    <message>
        <source>Last changed</source>
        <translation>最后修改</translation>
    </message>
    <message>
        <source>Not saved: correct the fields marked in red.</source>
        <translation>未保存：请先更正标红的字段。</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <source>Changed elsewhere</source>
        <translation>已在别处修改</translation>
    </message>
    <message>
        <source>Reload the prospect now? Your unsaved changes will be lost.</source>
        <translation>现在重新加载该客户吗？尚未保存的修改将会丢失。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>{name} has unsaved changes. Save them before leaving?</source>
        <translation>{name} 有尚未保存的修改。离开前要保存吗？</translation>
    </message>
</context>
<context>
    <name>ProspectForm</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>重做（Ctrl+Shift+Z）</translation>
    </message>
    <message>
        <source>Basic information</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <source>Registered name, e.g. 佛山市南海区某某五金制品厂</source>
        <translation>登记名称，如：佛山市南海区某某五金制品厂</translation>
    </message>
    <message>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>18 characters, e.g. 91440605MA4UXXXX0C</source>
        <translation>18 位，如 91440605MA4UXXXX0C</translation>
    </message>
    <message>
        <source>Legal representative / owner</source>
        <translation>法定代表人 / 经营者</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Mobile or landline, e.g. 0757-8123 4567</source>
        <translation>手机或固话，如 0757-8123 4567</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>— not set —</source>
        <translation>— 未填写 —</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Street / town</source>
        <translation>街道 / 镇</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>经营信息</translation>
    </message>
    <message>
        <source>Industry (GB/T 4754)</source>
        <translation>行业（GB/T 4754）</translation>
    </message>
    <message>
        <source>Registered capital (10,000 yuan)</source>
        <translation>注册资本（万元）</translation>
    </message>
    <message>
        <source>e.g. 500 or 12.5 (in units of 10,000 yuan)</source>
        <translation>如 500 或 12.5（单位：万元）</translation>
    </message>
    <message>
        <source>Established on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Source lists</source>
        <translation>来源清单</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Change {field}</source>
        <translation>修改{field}</translation>
    </message>
    <message>
        <source>Choose an industry from the list (type part of its name or its code, e.g. 33).</source>
        <translation>请从列表中选择行业（输入名称中的几个字或代码，如 33）。</translation>
    </message>
    <message>
        <source>{name} already has this USCC.</source>
        <translation>{name} 已使用此统一社会信用代码。</translation>
    </message>
</context>
<context>
    <name>ProspectListView</name>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Short name…</source>
        <translation>简称…</translation>
    </message>
    <message>
        <source>No prospects yet</source>
        <translation>还没有客户</translation>
    </message>
    <message>
        <source>Add one, or import a list from the Import page.</source>
        <translation>新建一个客户，或在“导入”页导入名单。</translation>
    </message>
    <message>
        <source>Nothing matches “{text}”</source>
        <translation>没有与“{text}”匹配的客户</translation>
    </message>
    <message>
        <source>Try part of the name (天佑), its pinyin (tianyou) or initials (ty), a USCC or a phone number.</source>
        <translation>可以试试名称的一部分（天佑）、全拼（tianyou）或首字母（ty）、统一社会信用代码或电话号码。</translation>
    </message>
    <message>
        <source>Fewer characters find more.</source>
        <translation>少输几个字能找到更多。</translation>
    </message>
    <message>
        <source>The other filters narrow the search too.</source>
        <translation>其他筛选条件也在缩小搜索范围。</translation>
    </message>
    <message>
        <source>No prospect matches these filters</source>
        <translation>没有符合这些筛选条件的客户</translation>
    </message>
    <message>
        <source>Loosen a filter, or clear them all.</source>
        <translation>放宽某个筛选条件，或全部清除。</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Prospects</source>
        <translation>客户列表</translation>
    </message>
    <message>
        <source>New prospect</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>Add a prospect (Ctrl+N)</source>
        <translation>新建客户（Ctrl+N）</translation>
    </message>
    <message>
        <source>Assign to RM…</source>
        <translation>分配客户经理…</translation>
    </message>
    <message>
        <source>Give the selected prospects to an RM</source>
        <translation>将选中的客户分配给客户经理</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Add a tag to the selected prospects</source>
        <translation>为选中的客户添加标签</translation>
    </message>
    <message>
        <source>Change stage…</source>
        <translation>变更阶段…</translation>
    </message>
    <message>
        <source>Move the selected prospects to another stage</source>
        <translation>将选中的客户转到其他阶段</translation>
    </message>
    <message>
        <source>Clear the selection</source>
        <translation>取消选择</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>1 prospect</source>
        <translation>共 1 户</translation>
    </message>
    <message>
        <source>{count} prospects</source>
        <translation>共 {count} 户</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>{count} selected</source>
        <translation>已选 {count} 户</translation>
    </message>
    <message numerus="yes">
        <source>Unassigned %Ln prospect(s)</source>
        <translation>
            <numerusform>已取消 %Ln 户的分配</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Assigned %Ln prospect(s) to {rm}</source>
        <translation>
            <numerusform>已将 %Ln 户分配给 {rm}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tagged %Ln prospect(s) as {tag}</source>
        <translation>
            <numerusform>已为 %Ln 户添加标签“{tag}”</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProspectTableModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>RM</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Stage since</source>
        <translation>进入本阶段</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>{days} in this stage</source>
        <translation>处于本阶段 {days}</translation>
    </message>
    <message>
        <source>{days} ago</source>
        <translation>{days}前</translation>
    </message>
</context>
<context>
    <name>ProspectsPage</name>
    <message>
        <source>Prospect created</source>
        <translation>客户已创建</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Same as the system ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>Language of the app:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>A new language applies the next time you start FirstLoan CRM.</source>
        <translation>新的语言将在下次启动首贷通时生效。</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件位置</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Settings:</source>
        <translation>设置文件：</translation>
    </message>
    <message>
        <source>Device token:</source>
        <translation>设备令牌：</translation>
    </message>
</context>
<context>
    <name>ShortNameDialog</name>
    <message>
        <source>Short name</source>
        <translation>简称</translation>
    </message>
    <message>
        <source>Shown on the board&apos;s cards, calendar chips and Today, where the registered name does not fit. Leave it empty to use the one made from the name.</source>
        <translation>在看板卡片、日历和今日待办等放不下全称的地方显示。留空则使用由全称自动生成的简称。</translation>
    </message>
</context>
<context>
    <name>StageColumn</name>
    <message>
        <source>Show more ({shown} of {total})</source>
        <translation>显示更多（已显示 {shown} / 共 {total}）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Move to</source>
        <translation>转到</translation>
    </message>
</context>
<context>
    <name>StageMoveDialog</name>
    <message>
        <source>Change stage of {name}</source>
        <translation>变更 {name} 的阶段</translation>
    </message>
    <message>
        <source>Change stage of {count} prospects</source>
        <translation>变更 {count} 户客户的阶段</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>当前阶段：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>转到：</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>请选择原因…</translation>
    </message>
    <message>
        <source>Drop reason:</source>
        <translation>退出原因：</translation>
    </message>
    <message>
        <source>and {count} more</source>
        <translation>等另外 {count} 户</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>Reason (required):</source>
        <translation>原因（必填）：</translation>
    </message>
    <message>
        <source>Note (optional):</source>
        <translation>备注（选填）：</translation>
    </message>
    <message>
        <source>Why is this prospect moving? Head office sees this with the change.</source>
        <translation>为什么变更阶段？总行会看到此说明。</translation>
    </message>
    <message>
        <source>Anything worth recording with this change</source>
        <translation>需要随本次变更记录的其他情况</translation>
    </message>
    <message>
        <source>The move was refused: {rule}</source>
        <translation>变更未通过：{rule}</translation>
    </message>
    <message>
        <source>The move was refused</source>
        <translation>变更未通过</translation>
    </message>
</context>
<context>
    <name>StageMover</name>
    <message>
        <source>Moved {count} to {stage}</source>
        <translation>已将 {count} 户转为{stage}</translation>
    </message>
    <message>
        <source>Change stage</source>
        <translation>变更阶段</translation>
    </message>
    <message>
        <source>{moved} moved to {stage}; {refused} refused.</source>
        <translation>{moved} 户已转为{stage}；{refused} 户未通过。</translation>
    </message>
    <message>
        <source>Move refused</source>
        <translation>变更未通过</translation>
    </message>
    <message>
        <source>{name} was not moved.</source>
        <translation>{name} 的阶段未变更。</translation>
    </message>
</context>
<context>
    <name>StageTimeline</name>
    <message>
        <source>No stage changes yet.</source>
        <translation>暂无阶段变更。</translation>
    </message>
    <message>
        <source>Entered the pipeline as {stage}</source>
        <translation>以{stage}身份入库</translation>
    </message>
    <message>
        <source>unknown user</source>
        <translation>未知用户</translation>
    </message>
    <message>
        <source>{when} · {who}</source>
        <translation>{when} · {who}</translation>
    </message>
    <message>
        <source>Why: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <source>Add a tag</source>
        <translation>添加标签</translation>
    </message>
    <message numerus="yes">
        <source>Add a tag to the %Ln selected prospect(s):</source>
        <translation>
            <numerusform>为选中的 %Ln 户添加标签：</numerusform>
        </translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Today</source>
        <translation>今日待办</translation>
    </message>
</context>
<context>
    <name>_ChoicePopup</name>
    <message>
        <source>Type to filter</source>
        <translation>输入以筛选</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
</TS>
