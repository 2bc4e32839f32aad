<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ChecklistTab</name>
        <message>
            <source>Items are ticked in the visit record when they were covered with the customer.</source>
            <translation>在拜访记录中勾选与客户讲解过的条目。</translation>
        </message>
        <message>
            <source>{done} of {total} items covered</source>
            <translation>已讲解 {done}/{total} 项</translation>
        </message>
    </context>
    <context>
        <name>ContactDialog</name>
        <message>
            <source>Edit contact</source>
            <translation>编辑联系人</translation>
        </message>
        <message>
            <source>New contact</source>
            <translation>新建联系人</translation>
        </message>
        <message>
            <source>e.g. 张伟</source>
            <translation>例如 张伟</translation>
        </message>
        <message>
            <source>e.g. 财务经理 (finance manager)</source>
            <translation>例如 财务经理</translation>
        </message>
        <message>
            <source>Mobile or landline, e.g. 138 0013 8000</source>
            <translation>手机或座机，例如 138 0013 8000</translation>
        </message>
        <message>
            <source>Primary contact of this business</source>
            <translation>设为该企业的主要联系人</translation>
        </message>
        <message>
            <source>Name *</source>
            <translation>姓名 *</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>职务</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
    </context>
    <context>
        <name>ContactsTab</name>
        <message>
            <source>Show number</source>
            <translation>显示号码</translation>
        </message>
        <message>
            <source>Show the full number (written to the audit log)</source>
            <translation>显示完整号码（记入审计日志）</translation>
        </message>
        <message>
            <source>Add contact…</source>
            <translation>添加联系人…</translation>
        </message>
        <message>
            <source>Edit…</source>
            <translation>编辑…</translation>
        </message>
        <message>
            <source>Make primary</source>
            <translation>设为主要联系人</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>拨打</translation>
        </message>
        <message>
            <source>Dial the number with this computer's phone app</source>
            <translation>用本机的电话程序拨打该号码</translation>
        </message>
        <message>
            <source>Copy number</source>
            <translation>复制号码</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>职务</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>No contacts yet</source>
            <translation>还没有联系人</translation>
        </message>
        <message>
            <source>Add the people you deal with at this business: the owner, the finance manager, the cashier.</source>
            <translation>添加与该企业打交道的人：老板、财务负责人、出纳。</translation>
        </message>
        <message>
            <source>Primary contact</source>
            <translation>主要联系人</translation>
        </message>
    </context>
    <context>
        <name>CustomerPage</name>
        <message>
            <source>Overview</source>
            <translation>概览</translation>
        </message>
        <message>
            <source>Contacts</source>
            <translation>联系人</translation>
        </message>
        <message>
            <source>Visits</source>
            <translation>走访</translation>
        </message>
        <message>
            <source>Loans</source>
            <translation>贷款</translation>
        </message>
        <message>
            <source>Checklist</source>
            <translation>金融知识清单</translation>
        </message>
        <message>
            <source>History</source>
            <translation>变更记录</translation>
        </message>
        <message>
            <source>Documents</source>
            <translation>资料</translation>
        </message>
        <message>
            <source>Service plan</source>
            <translation>服务方案</translation>
        </message>
        <message>
            <source>Short name: {name}</source>
            <translation>简称：{name}</translation>
        </message>
    </context>
    <context>
        <name>DocumentsTab</name>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>Save as…</source>
            <translation>另存为…</translation>
        </message>
        <message>
            <source>Open visit record</source>
            <translation>打开拜访记录</translation>
        </message>
        <message>
            <source>Visit</source>
            <translation>拜访</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>No documents yet</source>
            <translation>还没有资料</translation>
        </message>
        <message>
            <source>Photos of the premises, the business licence and signed authorisations attached to this customer's visit records appear here.</source>
            <translation>该客户拜访记录所附的经营场所照片、营业执照和签字授权书会显示在这里。</translation>
        </message>
        <message>
            <source>Save a copy</source>
            <translation>保存副本</translation>
        </message>
    </context>
    <context>
        <name>GlanceStrip</name>
        <message>
            <source>Next contact due</source>
            <translation>下次应联系</translation>
        </message>
        <message>
            <source>Loans outstanding</source>
            <translation>未结清贷款</translation>
        </message>
        <message>
            <source>Next maturity</source>
            <translation>最近到期</translation>
        </message>
        <message>
            <source>Financial literacy</source>
            <translation>金融知识普及</translation>
        </message>
        <message>
            <source>Product fit</source>
            <translation>产品匹配</translation>
        </message>
        <message>
            <source>Primary contact</source>
            <translation>主要联系人</translation>
        </message>
        <message>
            <source>no rhythm</source>
            <translation>无联系频率</translation>
        </message>
        <message>
            <source>{days} overdue</source>
            <translation>已逾期 {days}</translation>
        </message>
        <message>
            <source>Was due {day}</source>
            <translation>应于 {day} 联系</translation>
        </message>
        <message>
            <source>{amount} · loans: {count}</source>
            <translation>{amount} · {count} 笔</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>{done} of {total} items ({percent}%)</source>
            <translation>{done}/{total} 项（{percent}%）</translation>
        </message>
        <message>
            <source>{fit} of {products} fit</source>
            <translation>{products} 个产品中符合 {fit} 个</translation>
        </message>
        <message>
            <source>, {n} need data</source>
            <translation>，{n} 个待补资料</translation>
        </message>
        <message>
            <source>Pre-assessment only: see the Products tab</source>
            <translation>仅为预评估：详见“产品与资料”页</translation>
        </message>
        <message>
            <source>none yet</source>
            <translation>暂无</translation>
        </message>
        <message>
            <source>{n} contacts in all: see the Contacts tab</source>
            <translation>共 {n} 位联系人：详见“联系人”页</translation>
        </message>
    </context>
    <context>
        <name>HistoryTab</name>
        <message>
            <source>Show</source>
            <translation>显示</translation>
        </message>
        <message>
            <source>Everything</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Stage changes</source>
            <translation>阶段变更</translation>
        </message>
        <message>
            <source>Assignments</source>
            <translation>分配</translation>
        </message>
        <message>
            <source>Edits, imports and facts</source>
            <translation>编辑、导入与经营信息</translation>
        </message>
        <message>
            <source>Contacts and loans added</source>
            <translation>新增联系人与贷款</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>操作人</translation>
        </message>
        <message>
            <source>What</source>
            <translation>内容</translation>
        </message>
        <message>
            <source>Nothing recorded yet</source>
            <translation>暂无记录</translation>
        </message>
        <message>
            <source>Nothing of this kind: choose Everything to see all</source>
            <translation>没有这类记录：选择“全部”查看所有记录</translation>
        </message>
        <message>
            <source>Added to the book</source>
            <translation>录入客户名单</translation>
        </message>
        <message>
            <source>Reassigned from {old} to {new}</source>
            <translation>由 {old} 改派给 {new}</translation>
        </message>
        <message>
            <source>Assigned to {new}</source>
            <translation>分配给 {new}</translation>
        </message>
        <message>
            <source>Returned to the shared pool</source>
            <translation>退回公共池</translation>
        </message>
        <message>
            <source>Edited {fields} (not yet sent to head office)</source>
            <translation>修改了{fields}（尚未同步到总行）</translation>
        </message>
        <message>
            <source>Confirmed {fact}</source>
            <translation>确认了{fact}</translation>
        </message>
        <message>
            <source>Contact added: {name}</source>
            <translation>新增联系人：{name}</translation>
        </message>
        <message>
            <source>Loan recorded: {amount}</source>
            <translation>登记贷款：{amount}</translation>
        </message>
        <message>
            <source>Entered the pipeline as {stage}</source>
            <translation>以“{stage}”进入营销流程</translation>
        </message>
        <message>
            <source>Created by importing {file} ({source})</source>
            <translation>由导入 {file}（{source}）新建</translation>
        </message>
        <message>
            <source>Found on the list {source} ({file})</source>
            <translation>出现在名单“{source}”中（{file}）</translation>
        </message>
        <message>
            <source>Filled from {file}: {fields}</source>
            <translation>由 {file} 补充：{fields}</translation>
        </message>
        <message>
            <source>Flagged as a possible duplicate by {file}</source>
            <translation>导入 {file} 时标记为疑似重复</translation>
        </message>
        <message>
            <source>Business facts set from {file}: {facts}</source>
            <translation>由 {file} 导入经营信息：{facts}</translation>
        </message>
        <message>
            <source>name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>USCC</source>
            <translation>统一社会信用代码</translation>
        </message>
        <message>
            <source>legal representative</source>
            <translation>法定代表人</translation>
        </message>
        <message>
            <source>phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>district</source>
            <translation>区县</translation>
        </message>
        <message>
            <source>street</source>
            <translation>街道/镇</translation>
        </message>
        <message>
            <source>industry</source>
            <translation>行业</translation>
        </message>
        <message>
            <source>registered capital</source>
            <translation>注册资本</translation>
        </message>
        <message>
            <source>established on</source>
            <translation>成立日期</translation>
        </message>
        <message>
            <source>notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>tags</source>
            <translation>标签</translation>
        </message>
        <message>
            <source>source lists</source>
            <translation>来源名单</translation>
        </message>
        <message>
            <source>, </source>
            <translation>、</translation>
        </message>
    </context>
    <context>
        <name>ModeActions</name>
        <message>
            <source>Edit</source>
            <translation>编辑</translation>
        </message>
        <message>
            <source>Edit this prospect's details (Ctrl+E)</source>
            <translation>编辑该客户的资料（Ctrl+E）</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Stop editing; unsaved changes are thrown away (Esc)</source>
            <translation>结束编辑，放弃未保存的修改（Esc）</translation>
        </message>
    </context>
    <context>
        <name>ProfileSheet</name>
        <message>
            <source>Show</source>
            <translation>显示</translation>
        </message>
        <message>
            <source>Show the full number (written to the audit log)</source>
            <translation>显示完整号码（记入审计日志）</translation>
        </message>
        <message>
            <source>Legal representative</source>
            <translation>法定代表人</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>USCC</source>
            <translation>统一社会信用代码</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
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
            <translation>来源名单</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
    </context>
    <context>
        <name>ShortNameButton</name>
        <message>
            <source>The name shown on cards, calendar chips and Today: click to change it</source>
            <translation>卡片、日历和今日待办中显示的名称：点击可修改</translation>
        </message>
        <message>
            <source>Short name</source>
            <translation>简称</translation>
        </message>
        <message>
            <source>Short name (leave empty to make it from the registered name):</source>
            <translation>简称（留空则由注册名称自动生成）：</translation>
        </message>
    </context>
</TS>
