<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>FirstRun</name>
    <message>
        <source>Sending changes</source>
        <translation>正在发送更改</translation>
    </message>
    <message>
        <source>Sending files</source>
        <translation>正在发送文件</translation>
    </message>
    <message>
        <source>Downloading the book</source>
        <translation>正在下载账本</translation>
    </message>
    <message>
        <source>Receiving changes</source>
        <translation>正在接收更改</translation>
    </message>
    <message>
        <source>Fetching files</source>
        <translation>正在获取文件</translation>
    </message>
    <message>
        <source>Welcome to FirstLoan CRM</source>
        <translation>欢迎使用首贷通</translation>
    </message>
    <message>
        <source>There is no book on this computer yet. How would you like to start?</source>
        <translation>这台电脑上还没有账本。您想怎样开始？</translation>
    </message>
    <message>
        <source>Sign in to head office</source>
        <translation>登录总行</translation>
    </message>
    <message>
        <source>Your book is downloaded from head office and kept in sync from then on.</source>
        <translation>从总行下载您的账本，之后自动保持同步。</translation>
    </message>
    <message>
        <source>Try the demo book</source>
        <translation>试用演示账本</translation>
    </message>
    <message>
        <source>A made-up book of {count} prospects in Foshan, to learn the app.</source>
        <translation>一个虚构的佛山账本，含 {count} 户客户，用于熟悉软件。</translation>
    </message>
    <message>
        <source>Start an empty book</source>
        <translation>新建空账本</translation>
    </message>
    <message>
        <source>On this computer only, at {path}.</source>
        <translation>仅保存在本机：{path}。</translation>
    </message>
    <message>
        <source>Open a book file…</source>
        <translation>打开账本文件…</translation>
    </message>
    <message>
        <source>A book copied from another computer or a backup.</source>
        <translation>从其他电脑复制来的账本或备份。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Head office's address and your user name and password, as IT gave them to you. The password is not stored.</source>
        <translation>请填写科技部门提供的总行地址、用户名和密码。密码不会被保存。</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>总行地址</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Sign in and download</source>
        <translation>登录并下载</translation>
    </message>
    <message>
        <source>Making the demo book… (about half a minute)</source>
        <translation>正在生成演示账本…（约半分钟）</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>That did not work: {detail}</source>
        <translation>操作未成功：{detail}</translation>
    </message>
    <message>
        <source>Open a book</source>
        <translation>打开账本</translation>
    </message>
    <message>
        <source>FirstLoan CRM books (*.db);;All files (*)</source>
        <translation>首贷通账本 (*.db);;所有文件 (*)</translation>
    </message>
</context>
</TS>