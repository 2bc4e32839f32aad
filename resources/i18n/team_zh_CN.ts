<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DrillDialog</name>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Relationship manager</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Next contact due</source>
        <translation>下次联系日</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Open prospect</source>
        <translation>打开客户</translation>
    </message>
    <message>
        <source>Reassign…</source>
        <translation>改派…</translation>
    </message>
    <message>
        <source>Give the chosen prospects to another RM</source>
        <translation>把选中的客户改派给其他客户经理</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln prospect(s)</source>
        <translation>
            <numerusform>%Ln 户</numerusform>
        </translation>
    </message>
    <message>
        <source>Shared pool</source>
        <translation>公共池</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>No prospects behind this figure.</source>
        <translation>此数字下没有客户。</translation>
    </message>
    <message>
        <source>The list could not be read.</source>
        <translation>名单无法读取。</translation>
    </message>
    <message>
        <source>Reassigning…</source>
        <translation>正在改派…</translation>
    </message>
</context>
<context>
    <name>FigureTable</name>
    <message>
        <source>Double-click for the prospects behind it</source>
        <translation>双击查看对应客户</translation>
    </message>
</context>
<context>
    <name>TeamPage</name>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Whose</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Year to date</source>
        <translation>本年至今</translation>
    </message>
    <message>
        <source>Other days</source>
        <translation>自定日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Pipeline report (PDF)…</source>
        <translation>营销进度报告（PDF）…</translation>
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
        <source>Prospects</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>New first-loan customers</source>
        <translation>新增首贷户</translation>
    </message>
    <message>
        <source>Overdue for contact</source>
        <translation>逾期未联系</translation>
    </message>
    <message>
        <source>Maturing in 90 days</source>
        <translation>90 天内到期</translation>
    </message>
    <message>
        <source>Two increases</source>
        <translation>两增</translation>
    </message>
    <message>
        <source>Non-performing ratio</source>
        <translation>不良率</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Prospects by stage</source>
        <translation>各阶段客户</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>到达</translation>
    </message>
    <message>
        <source>Conversion</source>
        <translation>转化率</translation>
    </message>
    <message>
        <source>Median days</source>
        <translation>天数中位数</translation>
    </message>
    <message>
        <source>Funnel</source>
        <translation>转化漏斗</translation>
    </message>
    <message>
        <source>First-loan customers</source>
        <translation>首贷户</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>First-loan customers against last year</source>
        <translation>首贷户与去年同期对比</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Start of year</source>
        <translation>年初</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>Growth</source>
        <translation>增幅</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>达标</translation>
    </message>
    <message>
        <source>Maturing within</source>
        <translation>到期期限</translation>
    </message>
    <message>
        <source>Loans</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Non-performing</source>
        <translation>不良余额</translation>
    </message>
    <message>
        <source>Balance now</source>
        <translation>当前余额</translation>
    </message>
    <message>
        <source>Ratio</source>
        <translation>不良率</translation>
    </message>
    <message>
        <source>Non-performing loans</source>
        <translation>不良贷款</translation>
    </message>
    <message>
        <source>Maturities</source>
        <translation>贷款到期</translation>
    </message>
    <message>
        <source>Relationship manager</source>
        <translation>客户经理</translation>
    </message>
    <message>
        <source>Visit records</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Contacted</source>
        <translation>已联系</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应联系</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成率</translation>
    </message>
    <message>
        <source>Overdue prospects</source>
        <translation>逾期客户</translation>
    </message>
    <message>
        <source>Visits done against due, by relationship manager</source>
        <translation>各客户经理走访完成与应走访对比</translation>
    </message>
    <message>
        <source>The period starts after it ends: choose other days.</source>
        <translation>期间的开始日晚于结束日：请重新选择日期。</translation>
    </message>
    <message>
        <source>Reading the figures…</source>
        <translation>正在读取数据…</translation>
    </message>
    <message>
        <source>{start} to {end}, as of {today}</source>
        <translation>{start} 至 {end}，截至 {today}</translation>
    </message>
    <message>
        <source>The figures could not be read.</source>
        <translation>数据无法读取。</translation>
    </message>
    <message>
        <source>In all</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Funnel: {step}</source>
        <translation>转化漏斗：{step}</translation>
    </message>
    <message>
        <source>In the period: {entered} entered the pool, {first} became first-loan customers, {strategic} strategic clients, {dropped} dropped.</source>
        <translation>本期：新入池 {entered} 户，转为首贷户 {first} 户，转为战略客户 {strategic} 户，退出 {dropped} 户。</translation>
    </message>
    <message>
        <source>First-loan customers, same period last year</source>
        <translation>去年同期首贷户</translation>
    </message>
    <message>
        <source>This period</source>
        <translation>本期</translation>
    </message>
    <message>
        <source>Same period last year</source>
        <translation>去年同期</translation>
    </message>
    <message>
        <source>{first} first-loan, {strategic} strategic</source>
        <translation>首贷户 {first}，战略客户 {strategic}</translation>
    </message>
    <message>
        <source>Same period last year: {count}</source>
        <translation>去年同期：{count}</translation>
    </message>
    <message>
        <source>prospects past their contact date</source>
        <translation>户已过联系日期</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>未达标</translation>
    </message>
    <message>
        <source>Inclusive {inclusive} vs all {all}; borrowers {start} → {now}</source>
        <translation>普惠 {inclusive}，全部 {all}；户数 {start} → {now}</translation>
    </message>
    <message>
        <source>All loans {all}; tolerance {points} points</source>
        <translation>各项贷款 {all}；容忍度 {points} 个百分点</translation>
    </message>
    <message>
        <source>Borrowers now</source>
        <translation>当前有贷户</translation>
    </message>
    <message>
        <source>Customers with a non-performing loan</source>
        <translation>有不良贷款的客户</translation>
    </message>
    <message>
        <source>Inclusive small-micro balance</source>
        <translation>普惠小微贷款余额</translation>
    </message>
    <message>
        <source>All loans&apos; balance</source>
        <translation>各项贷款余额</translation>
    </message>
    <message>
        <source>Inclusive borrowers</source>
        <translation>普惠小微有贷户数</translation>
    </message>
    <message>
        <source>Both increases met since {day}.</source>
        <translation>自 {day} 起两增均达标。</translation>
    </message>
    <message>
        <source>Not met since {day}.</source>
        <translation>自 {day} 起两增未达标。</translation>
    </message>
    <message>
        <source>Inclusive small-micro</source>
        <translation>普惠型小微</translation>
    </message>
    <message>
        <source>All loans</source>
        <translation>各项贷款</translation>
    </message>
    <message>
        <source>Within {points} points of all loans: met.</source>
        <translation>不高于各项贷款不良率 {points} 个百分点：达标。</translation>
    </message>
    <message>
        <source>More than {points} points above all loans: not met.</source>
        <translation>高出各项贷款不良率超过 {points} 个百分点：未达标。</translation>
    </message>
    <message>
        <source>Maturing within {days} days</source>
        <translation>{days} 天内到期</translation>
    </message>
    <message>
        <source>{rm}: contacted</source>
        <translation>{rm}：已联系</translation>
    </message>
    <message>
        <source>{rm}: due</source>
        <translation>{rm}：应联系</translation>
    </message>
    <message>
        <source>{rm}: overdue for contact</source>
        <translation>{rm}：逾期未联系</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>The file could not be saved: {reason}</source>
        <translation>文件无法保存：{reason}</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Stages</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Balance (yuan)</source>
        <translation>余额（元）</translation>
    </message>
    <message>
        <source>Maturity date</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Days left</source>
        <translation>剩余天数</translation>
    </message>
    <message>
        <source>Inclusive small-micro balance (yuan)</source>
        <translation>普惠小微贷款余额（元）</translation>
    </message>
    <message>
        <source>All loans&apos; balance (yuan)</source>
        <translation>各项贷款余额（元）</translation>
    </message>
    <message>
        <source>Non-performing (yuan)</source>
        <translation>不良余额（元）</translation>
    </message>
    <message>
        <source>Balance now (yuan)</source>
        <translation>当前余额（元）</translation>
    </message>
</context>
</TS>
